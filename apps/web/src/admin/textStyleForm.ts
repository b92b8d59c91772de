import { type StyleSetName, styleSetNames, type TextStyle, textStyleSchema } from "@atelier/shared";
import type { CSSProperties } from "react";

export type { TextStyle };
export const styleRoles = styleSetNames;
export type StyleRole = StyleSetName;

/** What a shadow or box switched on starts as: the schema's defaults (a box has no default colour). */
const shadowDefaults = textStyleSchema.shape.shadow.unwrap().parse({});
const boxDefaults = textStyleSchema.shape.box.unwrap().parse({ colour: "#000000" });

/** Every control of the form has a value; the optional parts have an "on" switch. */
export interface StyleDraft {
  fontFamily: string;
  fontSize: number;
  fontWeight: number;
  colour: string;
  lineHeight: number;
  align: TextStyle["align"];
  stroke: { on: boolean; colour: string; width: number };
  shadow: { on: boolean; colour: string; blur: number; dx: number; dy: number; opacity: number };
  box: { on: boolean; colour: string; opacity: number; padding: number; radius: number };
}

/** The form's starting point: a saved (partial) style over the built-in one of its role. */
export function draftOf(saved: Partial<TextStyle> | undefined, base: TextStyle): StyleDraft {
  const style = { ...base, ...saved };
  return {
    fontFamily: style.fontFamily,
    fontSize: style.fontSize,
    fontWeight: style.fontWeight,
    colour: hex6(style.colour),
    lineHeight: style.lineHeight,
    align: style.align,
    stroke: {
      on: !!style.stroke,
      colour: hex6(style.stroke?.colour ?? "#000000"),
      width: style.stroke?.width ?? 2,
    },
    shadow: {
      ...shadowDefaults,
      ...style.shadow,
      on: !!style.shadow,
      colour: hex6(style.shadow?.colour ?? shadowDefaults.colour),
    },
    box: {
      ...boxDefaults,
      ...style.box,
      on: !!style.box,
      colour: hex6(style.box?.colour ?? boxDefaults.colour),
    },
  };
}

/** What `settings.saveTextStyles` stores: the whole style, the parts switched off left out. */
export function styleOf(draft: StyleDraft): TextStyle {
  const { stroke, shadow, box, ...plain } = draft;
  return {
    ...plain,
    ...(stroke.on ? { stroke: { colour: stroke.colour, width: stroke.width } } : {}),
    ...(shadow.on
      ? {
          shadow: {
            colour: shadow.colour,
            blur: shadow.blur,
            dx: shadow.dx,
            dy: shadow.dy,
            opacity: shadow.opacity,
          },
        }
      : {}),
    ...(box.on
      ? { box: { colour: box.colour, opacity: box.opacity, padding: box.padding, radius: box.radius } }
      : {}),
  };
}

/** An approximate on-screen preview (sizes are for a 1080 px image; the preview scales them down by 4). */
export function previewCss(draft: StyleDraft): CSSProperties {
  const scale = 0.25;
  return {
    fontFamily: draft.fontFamily,
    fontSize: `${Math.max(8, draft.fontSize * scale)}px`,
    fontWeight: draft.fontWeight,
    color: draft.colour,
    lineHeight: draft.lineHeight,
    textAlign: draft.align,
    WebkitTextStroke: draft.stroke.on ? `${draft.stroke.width * scale}px ${draft.stroke.colour}` : undefined,
    textShadow: draft.shadow.on
      ? `${draft.shadow.dx * scale}px ${draft.shadow.dy * scale}px ${draft.shadow.blur * scale}px ${rgba(draft.shadow.colour, draft.shadow.opacity)}`
      : undefined,
    background: draft.box.on ? rgba(draft.box.colour, draft.box.opacity) : undefined,
    padding: draft.box.on ? `${draft.box.padding * scale}px` : undefined,
    borderRadius: draft.box.on ? `${draft.box.radius * scale}px` : undefined,
  };
}

/** `<input type="color">` takes #rrggbb only: #rgb is expanded, an alpha byte dropped. */
export function hex6(colour: string): string {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(colour);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toLowerCase();
  const long = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/i.exec(colour);
  return long ? `#${long[1]!.toLowerCase()}` : "#000000";
}

function rgba(hex: string, opacity: number): string {
  const n = Number.parseInt(hex6(hex).slice(1), 16);
  return `rgb(${(n >> 16) & 255} ${(n >> 8) & 255} ${n & 255} / ${opacity})`;
}

import {
  builtInTextStyles,
  styleSetNames,
  type TextStyle,
  type TextStyleInput,
  textStyleSchema,
} from "@atelier/shared";
import type { CSSProperties } from "react";

/** A text style as the browser's quick look reads it: any part may be missing (an override, a saved set). */
export type TextLook = Partial<TextStyleInput>;

export interface StyleOption {
  /** What the overlay's `styleSet` holds: "title", or "<org set>/title". */
  value: string;
  label: string;
  look: TextLook;
}

export interface StyleGroup {
  label: string;
  options: StyleOption[];
}

const roles = styleSetNames;
const roleLabels = { title: "Title", subtitle: "Subtitle", body: "Body" };

/** The style choices: the built-in set, then each of the organization's sets (as the server names them). */
export function styleGroups(
  builtIn: Partial<Record<string, TextLook>>,
  sets: ReadonlyArray<{ name: string; styles: Partial<Record<string, TextLook>> }>,
): StyleGroup[] {
  const groups: StyleGroup[] = [
    {
      label: "Built-in",
      options: roles.map((r) => ({ value: r, label: roleLabels[r], look: builtIn[r] ?? {} })),
    },
  ];
  for (const set of sets) {
    groups.push({
      label: set.name,
      options: roles.map((r) => ({
        value: `${set.name}/${r}`,
        label: `${set.name} · ${roleLabels[r]}`,
        look: { ...builtIn[r], ...set.styles[r] },
      })),
    });
  }
  return groups;
}

export function findStyle(groups: readonly StyleGroup[], value: string): StyleOption | undefined {
  for (const g of groups) for (const o of g.options) if (o.value === value) return o;
  return groups[0]?.options.find((o) => o.value === "body");
}

function withAlpha(hex: string, opacity: number): string {
  const a = Math.round(Math.min(1, Math.max(0, opacity)) * 255)
    .toString(16)
    .padStart(2, "0");
  return /^#[0-9a-f]{6}$/i.test(hex) ? `${hex}${a}` : hex;
}

/**
 * The look in CSS, inside a box with `container-type: size` the size of the rendered image: the pipeline
 * sizes text in pixels of an image whose shorter side is 1080, so 1/10.8 of `cqmin` per pixel.
 */
export function cssOfLook(look: TextLook): CSSProperties {
  // Missing parts take the schema's defaults, as the pipeline's rendering does; a look the schema refuses
  // (the server would ignore it too) shows as the body style.
  const parsed = textStyleSchema.safeParse(look);
  const style: TextStyle = parsed.success ? parsed.data : builtInTextStyles.body;
  const px = (n: number) => `calc(${(n / 10.8).toFixed(3)} * 1cqmin)`;
  const css: CSSProperties = {
    fontFamily: style.fontFamily,
    fontSize: px(style.fontSize),
    fontWeight: style.fontWeight,
    color: style.colour,
    lineHeight: style.lineHeight,
    textAlign: style.align,
  };
  if (style.shadow) {
    const s = style.shadow;
    css.textShadow = `${px(s.dx)} ${px(s.dy)} ${px(s.blur)} ${withAlpha(s.colour, s.opacity)}`;
  }
  if (style.stroke && style.stroke.width > 0)
    css.WebkitTextStroke = `${px(style.stroke.width)} ${style.stroke.colour}`;
  if (style.box) {
    css.backgroundColor = withAlpha(style.box.colour, style.box.opacity);
    css.padding = px(style.box.padding);
    css.borderRadius = px(style.box.radius);
  }
  return css;
}

import type { CSSProperties } from "react";

/** The parts of a text style the browser's quick look uses (the pipeline's TextStyle, read tolerantly). */
export interface TextLook {
  fontFamily?: string;
  fontSize?: number;
  fontWeight?: number;
  colour?: string;
  lineHeight?: number;
  align?: "left" | "center" | "right";
  stroke?: { colour: string; width: number };
  shadow?: { colour?: string; blur?: number; dx?: number; dy?: number; opacity?: number };
  box?: { colour: string; opacity?: number; padding?: number; radius?: number };
}

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

const roles = ["title", "subtitle", "body"] as const;
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
  const px = (n: number) => `calc(${(n / 10.8).toFixed(3)} * 1cqmin)`;
  const css: CSSProperties = {
    fontFamily: look.fontFamily ?? "DejaVu Sans, Liberation Sans, sans-serif",
    fontSize: px(look.fontSize ?? 40),
    fontWeight: look.fontWeight ?? 400,
    color: look.colour ?? "#ffffff",
    lineHeight: look.lineHeight ?? 1.2,
    textAlign: look.align ?? "left",
  };
  if (look.shadow) {
    const s = look.shadow;
    css.textShadow = `${px(s.dx ?? 0)} ${px(s.dy ?? 3)} ${px(s.blur ?? 6)} ${withAlpha(s.colour ?? "#000000", s.opacity ?? 0.6)}`;
  }
  if (look.stroke && look.stroke.width > 0)
    css.WebkitTextStroke = `${px(look.stroke.width)} ${look.stroke.colour}`;
  if (look.box) {
    css.backgroundColor = withAlpha(look.box.colour, look.box.opacity ?? 0.6);
    css.padding = px(look.box.padding ?? 16);
    css.borderRadius = px(look.box.radius ?? 8);
  }
  return css;
}

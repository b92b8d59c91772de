import { z } from "zod";

/**
 * Fonts come from fontconfig through librsvg. This machine (and the Debian images the
 * project runs on) has DejaVu Sans and Liberation Sans; the list falls back to
 * fontconfig's default sans-serif where neither is installed.
 */
export const defaultFontFamily = "DejaVu Sans, Liberation Sans, sans-serif";

const colour = z
  .string()
  .max(9)
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, "a colour like #ff8800");

export const textStyleSchema = z.strictObject({
  fontFamily: z
    .string()
    .max(200)
    .regex(/^[\w\s,-]+$/, "font names use letters, digits, spaces, commas and hyphens")
    .default(defaultFontFamily),
  /** Pixels on an image whose shorter side is 1080 px; scales with the image. */
  fontSize: z.number().min(4).max(400).default(40),
  fontWeight: z.number().int().min(100).max(900).default(400),
  colour: colour.default("#ffffff"),
  lineHeight: z.number().min(0.8).max(3).default(1.2),
  align: z.enum(["left", "center", "right"]).default("left"),
  stroke: z.strictObject({ colour, width: z.number().min(0).max(40) }).optional(),
  shadow: z
    .strictObject({
      colour: colour.default("#000000"),
      blur: z.number().min(0).max(60).default(6),
      dx: z.number().min(-60).max(60).default(0),
      dy: z.number().min(-60).max(60).default(3),
      opacity: z.number().min(0).max(1).default(0.6),
    })
    .optional(),
  box: z
    .strictObject({
      colour,
      opacity: z.number().min(0).max(1).default(0.6),
      padding: z.number().min(0).max(200).default(16),
      radius: z.number().min(0).max(200).default(8),
    })
    .optional(),
});
export type TextStyle = z.infer<typeof textStyleSchema>;
export type TextStyleInput = z.input<typeof textStyleSchema>;

/** The roles of a style set: every set, built-in or an organization's, has one style per role. */
export const styleSetNames = ["title", "subtitle", "body"] as const;
export type StyleSetName = (typeof styleSetNames)[number];

/** The built-in style set; organisations replace any of its entries through env.org.textStyles. */
export const builtInTextStyles: Record<StyleSetName, TextStyle> = {
  title: textStyleSchema.parse({
    fontSize: 88,
    fontWeight: 700,
    lineHeight: 1.1,
    shadow: { blur: 8, dy: 4, opacity: 0.55 },
  }),
  subtitle: textStyleSchema.parse({
    fontSize: 52,
    fontWeight: 600,
    shadow: { blur: 6, dy: 3, opacity: 0.5 },
  }),
  body: textStyleSchema.parse({ fontSize: 36, fontWeight: 400, shadow: { blur: 4, dy: 2, opacity: 0.5 } }),
};

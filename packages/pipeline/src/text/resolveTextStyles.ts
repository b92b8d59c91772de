import { builtInTextStyles, type TextStyle, type TextStyleInput, textStyleSchema } from "@atelier/shared";

/** Built-in styles overlaid with the organisation's (invalid organisation entries are ignored, not fatal). */
export function resolveTextStyles(orgStyles: Record<string, unknown> | undefined): Record<string, TextStyle> {
  const styles: Record<string, TextStyle> = { ...builtInTextStyles };
  for (const [name, value] of Object.entries(orgStyles ?? {})) {
    const parsed = textStyleSchema.safeParse(value);
    if (parsed.success) styles[name] = parsed.data;
  }
  return styles;
}

export function styleFor(
  styles: Record<string, TextStyle>,
  styleSet: string,
  overrides: Partial<TextStyleInput> | undefined,
): TextStyle {
  const base = styles[styleSet] ?? styles.body ?? builtInTextStyles.body;
  return overrides ? textStyleSchema.parse({ ...base, ...overrides }) : base;
}

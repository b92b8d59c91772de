import { z } from "zod";
import { adjustmentsSchema, isNeutralAdjustments } from "./adjustments.ts";
import { textStyleSchema } from "./textStyles.ts";

const fraction = z.number().min(0).max(1);

/** A crop as fractions of the original image. */
export const relativeCropSchema = z
  .strictObject({ x: fraction, y: fraction, width: z.number().gt(0).max(1), height: z.number().gt(0).max(1) })
  .refine((c) => c.x + c.width <= 1.000001 && c.y + c.height <= 1.000001, {
    message: "The crop must lie inside the image.",
  });

export const overlaySchema = z.strictObject({
  id: z.string().min(1).max(64),
  text: z.string().min(1).max(2000),
  /** A style set name ("title", "subtitle", "body" or the organisation's). */
  styleSet: z.string().max(64).default("body"),
  /** Overrides on top of the style set. */
  style: textStyleSchema.partial().optional(),
  /** Top-left corner as fractions of the rendered image. */
  x: fraction,
  y: fraction,
  /** Width as a fraction of the rendered image; to the right edge when omitted. */
  maxWidth: z.number().gt(0).max(1).optional(),
});

/** Largest edit document, as JSON: about fifty overlays of long text. */
export const MAX_EDIT_DOCUMENT_BYTES = 128 * 1024;

/**
 * An asset's edit document: everything a person changed, applied to the untouched original
 * whenever a rendition is needed. Stored as JSONB with a revision. Strict at every level: a field
 * this schema does not name is refused, never stored.
 */
export const editDocumentSchema = z.strictObject({
  crop: relativeCropSchema.optional(),
  adjustments: adjustmentsSchema.partial().optional(),
  overlays: z.array(overlaySchema).max(50).optional(),
  /** Per asset format, e.g. a different crop for the story format. */
  formatOverrides: z
    .record(z.string().min(1).max(64), z.strictObject({ crop: relativeCropSchema.optional() }))
    .refine((overrides) => Object.keys(overrides).length <= 100, "At most 100 format overrides.")
    .optional(),
});
export type EditDocument = z.infer<typeof editDocumentSchema>;
export type EditDocumentInput = z.input<typeof editDocumentSchema>;
export type Overlay = z.infer<typeof overlaySchema>;
export type RelativeCrop = z.infer<typeof relativeCropSchema>;

/**
 * True when rendering the document changes the picture (a crop, an adjustment or an overlay). Per-format
 * crops are left out: they apply only when a rendition is made for that format.
 */
export function changesImage(doc: EditDocument): boolean {
  if (doc.crop || (doc.overlays?.length ?? 0) > 0) return true;
  return !isNeutralAdjustments(adjustmentsSchema.parse(doc.adjustments ?? {}));
}

import { z } from "zod";
import { id } from "../ids.ts";

/**
 * The wire protocol of live editing. An asset's edit document is plain JSON (crop, adjustments, overlays,
 * formatOverrides); people change it with these operations, never by sending whole documents, so two
 * people's edits to different fields both survive.
 *
 * Paths name fields; inside `overlays` (an array) a step is the overlay's id, not its index, so concurrent
 * inserts and removals never shift what a path points at.
 */
export const PROTOCOL_VERSION = 1;

const pathSchema = z.array(z.string().min(1).max(64)).min(1).max(6);

export const editOpSchema = z.discriminatedUnion("kind", [
  /** Sets (or with `value` undefined, deletes) the field at `path`. */
  // `value` may be absent: JSON has no undefined, so a deletion arrives without the key.
  z.object({ kind: z.literal("set"), path: pathSchema, value: z.unknown().optional() }),
  /** Adds an item with an `id` to the array at `path` (e.g. an overlay). */
  z.object({
    kind: z.literal("insert"),
    path: pathSchema,
    // Its other fields are checked by the document's own strict schema once the op is applied.
    value: z
      .looseObject({ id: z.string().min(1).max(64) })
      .refine((item) => Object.keys(item).length <= 32, "An item has at most 32 fields.")
      .meta({ maxProperties: 32 }),
  }),
  /** Removes the item with `id` from the array at `path`. */
  z.object({ kind: z.literal("remove"), path: pathSchema, id: z.string().min(1).max(64) }),
]);
export type EditOp = z.infer<typeof editOpSchema>;

export const applyEditInput = z.object({
  assetId: id,
  /** The revision the client's document had when it made these operations. */
  baseRevision: z.number().int().min(0),
  /** Chosen by the client; a resend after a lost answer is recognised and not applied twice. */
  clientOpId: z.string().min(8).max(64),
  ops: z.array(editOpSchema).min(1).max(100),
});

export const documentHistoryInput = z.object({
  assetId: id,
  limit: z.number().int().min(1).max(500).default(100),
});

export const presenceInput = z.object({
  projectId: id,
  /** Pointer on the canvas, as fractions of the asset's image; null when off the canvas. */
  cursor: z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }).nullable(),
  selectedAssetId: id.nullable(),
  /** What the person is editing inside the asset (an overlay id, "crop"...). */
  selection: z.string().max(64).nullable().default(null),
});

import { z } from "zod";
import type { ImageAnalysis } from "./analysis.ts";

/** Pixels; generous, but bounded like every parameter (no image is a million pixels wide). */
const coordinate = z.number().min(-1_000_000).max(1_000_000);
const extent = z.number().nonnegative().max(1_000_000);

const box = z.object({
  x: coordinate,
  y: coordinate,
  width: extent,
  height: extent,
  score: z.number().min(-1000).max(1000).optional(),
  label: z.string().max(200).optional(),
});

/** An analysis handed in as a step parameter (precomputed by `analyze` and stored with the asset). */
export const imageAnalysisSchema: z.ZodType<ImageAnalysis> = z.object({
  width: extent.positive(),
  height: extent.positive(),
  subject: box.nullable(),
  faces: z.array(box).max(1000),
  texts: z.array(box).max(1000),
  colours: z.array(z.string().max(32)).max(64),
});

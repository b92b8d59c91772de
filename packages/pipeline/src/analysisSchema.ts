import { z } from "zod";
import type { ImageAnalysis } from "./analysis.ts";

const box = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().nonnegative(),
  height: z.number().nonnegative(),
  score: z.number().optional(),
  label: z.string().optional(),
});

/** An analysis handed in as a step parameter (precomputed by `analyze` and stored with the asset). */
export const imageAnalysisSchema: z.ZodType<ImageAnalysis> = z.object({
  width: z.number().positive(),
  height: z.number().positive(),
  subject: box.nullable(),
  faces: z.array(box),
  texts: z.array(box),
  colours: z.array(z.string()),
});

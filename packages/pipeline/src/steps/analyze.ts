import { z } from "zod";
import { analyzeImage } from "../analysis/analyzeImage.ts";
import { modelsAvailable } from "../models/modelAvailability.ts";
import { defineStep } from "../step.ts";

export const analyzeParams = z.object({
  subject: z.boolean().default(true),
  text: z.boolean().default(true),
  faces: z.boolean().default(true),
});

export const analyzeStep = defineStep({
  name: "analyze",
  description: "Finds the main subject, faces, text and dominant colours, for crops and safe text areas.",
  params: analyzeParams,
  takes: "image",
  gives: "analysis",
  vramMb: 1200,
  price: { perRun: 1 },
  expectedMs: 5000,
  models: ["isnet-medium", "ppocr-v4-det"],
  availability(env) {
    return modelsAvailable(["isnet-medium", "ppocr-v4-det", "tiny-face-detector-weights"], env);
  },
  async run(ctx) {
    const input = ctx.inputs[0];
    if (!input) return { images: [] };
    const analysis = await analyzeImage(input.data, {
      env: ctx.env,
      signal: ctx.signal,
      want: ctx.params,
      onProgress: (fraction, note) => ctx.progress(fraction, note),
      onPreview: (image) => ctx.preview(image),
    });
    // Carried on the image too, so a following repurpose or text-overlay reuses it instead of re-running the models.
    return { images: [{ ...input, meta: { ...input.meta, analysis } }], data: { ...analysis } };
  },
});

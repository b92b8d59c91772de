import { z } from "zod";
import { decodeRgb } from "../analysis/decodeImage.ts";
import { drawBoxes } from "../analysis/drawBoxes.ts";
import { findTextBoxesDefaults } from "../analysis/findTextBoxes.ts";
import { ocr } from "../analysis/ocr.ts";
import { modelsAvailable } from "../models/modelAvailability.ts";
import { defineStep } from "../step.ts";

export const detectTextParams = z.object({
  /** Also read the text in each box (PP-OCRv4 recognition; Chinese and Latin script). */
  recognize: z.boolean().default(false),
  /** "lines": one box per line of text (default); "words": one per word. */
  group: z.enum(["lines", "words"]).default("lines"),
  /** Pixel probability above which a pixel counts as text. */
  threshold: z.number().min(0.05).max(0.95).default(findTextBoxesDefaults.threshold),
  /** Mean probability a region needs to be kept. */
  boxThreshold: z.number().min(0.05).max(0.99).default(findTextBoxesDefaults.boxThreshold),
  /** How far each region is grown back out. */
  unclipRatio: z.number().min(1).max(4).default(findTextBoxesDefaults.unclipRatio),
});

export const detectTextStep = defineStep({
  name: "detect-text",
  description: "Finds text in the image (PP-OCRv4) and, on request, reads it.",
  params: detectTextParams,
  takes: "image",
  gives: "texts",
  vramMb: 600,
  price: { perRun: 1 },
  expectedMs: 2500,
  models: ["ppocr-v4-det", "ppocr-v4-rec"],
  availability(env) {
    return modelsAvailable(["ppocr-v4-det", "ppocr-v4-rec"], env);
  },
  async run(ctx) {
    const input = ctx.inputs[0];
    if (!input) return { images: [] };
    const { recognize, ...detection } = ctx.params;
    ctx.progress(0, "decoding");
    const rgb = await decodeRgb(input.data, ctx.env);
    ctx.progress(0.1, "finding text");
    const texts = await ocr(rgb, ctx.env, ctx.signal, {
      ...detection,
      recognize,
      onProgress: (fraction, note) => ctx.progress(0.5 + fraction * 0.5, note),
    });
    await ctx.preview(await drawBoxes(rgb, texts));
    ctx.progress(1, "done");
    return { images: [input], data: { texts } };
  },
});

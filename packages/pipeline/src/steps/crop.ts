import { AppError } from "@atelier/shared";
import { z } from "zod";
import { openArtifact, toArtifact } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { defineStep } from "../step.ts";

const cropParams = z
  .object({
    x: z.number().min(0).max(1_000_000),
    y: z.number().min(0).max(1_000_000),
    width: z.number().positive().max(1_000_000),
    height: z.number().positive().max(1_000_000),
    /** "relative": fractions 0..1 of the image; "px": pixels. */
    unit: z.enum(["relative", "px"]).default("relative"),
  })
  .strict();

/** Pixel rectangle of a crop, clamped to the image and at least 1x1. */
export function cropRect(
  crop: { x: number; y: number; width: number; height: number; unit?: "relative" | "px" },
  width: number,
  height: number,
): { left: number; top: number; width: number; height: number } {
  const rel = (crop.unit ?? "relative") === "relative";
  const left = Math.min(width - 1, Math.max(0, Math.round(rel ? crop.x * width : crop.x)));
  const top = Math.min(height - 1, Math.max(0, Math.round(rel ? crop.y * height : crop.y)));
  const w = Math.round(rel ? crop.width * width : crop.width);
  const h = Math.round(rel ? crop.height * height : crop.height);
  return {
    left,
    top,
    width: Math.max(1, Math.min(w, width - left)),
    height: Math.max(1, Math.min(h, height - top)),
  };
}

export const cropStep = defineStep({
  name: "crop",
  description: "Cut out a rectangle, in fractions of the image or in pixels.",
  params: cropParams,
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  price: { perMegapixel: 0.1 },
  expectedMs: 100,
  models: [],
  run: (ctx) =>
    perImage(ctx, async (input) => {
      const opened = await openArtifact(input, ctx.env);
      const upright = opened.image.rotate();
      const rect = cropRect(ctx.params, opened.width, opened.height);
      if (rect.width < 1 || rect.height < 1) {
        throw new AppError("VALIDATION_ERROR", "The crop lies outside the image.", { crop: ctx.params });
      }
      return { images: [await toArtifact(input.name, upright.extract(rect), "png")] };
    }),
});

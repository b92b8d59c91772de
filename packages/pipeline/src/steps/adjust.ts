import { adjustmentsSchema } from "@atelier/shared";
import { applyAdjustments } from "../adjustments.ts";
import { openArtifact, toArtifact } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { defineStep } from "../step.ts";

export const adjustStep = defineStep({
  name: "adjust",
  description: "Brightness, contrast, saturation, hue, sharpen and blur.",
  params: adjustmentsSchema.strict(),
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  price: { perMegapixel: 0.1 },
  expectedMs: 250,
  models: [],
  run: (ctx) =>
    perImage(ctx, async (input) => {
      const opened = await openArtifact(input, ctx.env);
      const base = opened.image.rotate().toColourspace("srgb").ensureAlpha();
      return { images: [await toArtifact(input.name, applyAdjustments(base, ctx.params), "png")] };
    }),
});

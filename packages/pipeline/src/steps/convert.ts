import { z } from "zod";
import { openArtifact, toArtifact } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { defineStep } from "../step.ts";

export const convertStep = defineStep({
  name: "convert",
  description: "Encode as WebP, AVIF, JPEG or PNG with a quality.",
  params: z
    .object({
      format: z.enum(["webp", "avif", "jpeg", "png"]),
      /** 1..100; ignored for PNG. Defaults: WebP 85, AVIF 60, JPEG 88. */
      quality: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  takes: "image",
  gives: "image/*",
  vramMb: 0,
  price: { perMegapixel: 0.1 },
  expectedMs: 200,
  models: [],
  run: (ctx) =>
    perImage(ctx, async (input) => {
      const opened = await openArtifact(input, ctx.env);
      const out = await toArtifact(input.name, opened.image.rotate(), ctx.params.format, {
        quality: ctx.params.quality,
      });
      return { images: [out] };
    }),
});

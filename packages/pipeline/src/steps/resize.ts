import { z } from "zod";
import { openArtifact, toArtifact } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { defineStep } from "../step.ts";

const resizeParams = z
  .object({
    width: z.number().int().min(1).max(16384).optional(),
    height: z.number().int().min(1).max(16384).optional(),
    fit: z.enum(["cover", "contain", "fill", "inside", "outside"]).default("inside"),
    kernel: z.enum(["nearest", "linear", "cubic", "mitchell", "lanczos2", "lanczos3"]).default("lanczos3"),
    /** Colour of the bars `contain` adds. */
    background: z.string().default("#00000000"),
    withoutEnlargement: z.boolean().default(false),
  })
  .strict()
  .refine((p) => p.width !== undefined || p.height !== undefined, {
    message: "Give a width, a height or both.",
  });

export const resizeStep = defineStep({
  name: "resize",
  description: "Scale to a width and/or height with a fit mode.",
  params: resizeParams,
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  expectedMs: 150,
  models: [],
  run: (ctx) =>
    perImage(ctx, async (input) => {
      const opened = await openArtifact(input, ctx.env);
      const p = ctx.params;
      const resized = opened.image.rotate().resize({
        width: p.width,
        height: p.height,
        fit: p.fit,
        kernel: p.kernel,
        background: p.background,
        withoutEnlargement: p.withoutEnlargement,
      });
      return { images: [await toArtifact(input.name, resized, "png")] };
    }),
});

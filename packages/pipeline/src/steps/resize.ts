import { z } from "zod";
import { openArtifact, toArtifact } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { defineStep, type ImageSize } from "../step.ts";

const resizeParams = z
  .object({
    width: z.number().int().min(1).max(16384).optional(),
    height: z.number().int().min(1).max(16384).optional(),
    fit: z.enum(["cover", "contain", "fill", "inside", "outside"]).default("inside"),
    kernel: z.enum(["nearest", "linear", "cubic", "mitchell", "lanczos2", "lanczos3"]).default("lanczos3"),
    /** Colour of the bars `contain` adds. */
    background: z.string().max(32).default("#00000000"),
    withoutEnlargement: z.boolean().default(false),
  })
  .strict()
  .refine((p) => p.width !== undefined || p.height !== undefined, {
    message: "Give a width, a height or both.",
  });

/** The size sharp's resize gives for these params (`inside`/`outside` keep the aspect ratio). */
export function resizedSize(
  p: { width?: number; height?: number; fit: string; withoutEnlargement: boolean },
  input: ImageSize,
): ImageSize {
  const sx = p.width !== undefined ? p.width / input.width : undefined;
  const sy = p.height !== undefined ? p.height / input.height : undefined;
  let size: ImageSize;
  if (sx !== undefined && sy !== undefined && ["cover", "contain", "fill"].includes(p.fit)) {
    size = { width: p.width!, height: p.height! };
  } else {
    const both = [sx, sy].filter((s) => s !== undefined);
    const scale = p.fit === "outside" ? Math.max(...both) : Math.min(...both);
    size = { width: Math.round(input.width * scale), height: Math.round(input.height * scale) };
  }
  if (p.withoutEnlargement && size.width * size.height > input.width * input.height) return input;
  return size;
}

export const resizeStep = defineStep({
  name: "resize",
  description: "Scale to a width and/or height with a fit mode.",
  params: resizeParams,
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  price: { perMegapixel: 0.1 },
  expectedMs: 150,
  models: [],
  plannedOutputs: (p, inputs) => inputs.map((input) => resizedSize(p, input)),
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

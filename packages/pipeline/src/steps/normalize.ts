import { z } from "zod";
import { openArtifact } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { decodeGuarded } from "../sharpInput.ts";
import { defineStep } from "../step.ts";

/**
 * First step of most pipelines: the untrusted upload is decoded under the pixel limit,
 * turned upright, converted to sRGB, stripped of metadata (sharp writes none unless asked)
 * and re-encoded losslessly, so nothing later ever sees the original bytes.
 */
export const normalizeStep = defineStep({
  name: "normalize",
  description: "Decode safely, auto-orient, convert to sRGB, strip metadata.",
  params: z.object({}).strict(),
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  price: { perMegapixel: 0.1 },
  expectedMs: 150,
  models: [],
  run: (ctx) =>
    perImage(ctx, async (input) => {
      const opened = await openArtifact(input, ctx.env);
      const upright = opened.image.rotate().toColourspace("srgb");
      const { data, info } = await decodeGuarded(
        () => upright.png({ compressionLevel: 3 }).toBuffer({ resolveWithObject: true }),
        opened.kind,
      );
      return {
        images: [{ name: input.name, mediaType: "image/png", data, width: info.width, height: info.height }],
      };
    }),
});

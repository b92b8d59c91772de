import { AppError } from "@atelier/shared";
import { z } from "zod";
import {
  decodeRgba,
  openArtifact,
  type RawImage,
  rawToSharp,
  throwIfAborted,
  toArtifact,
} from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { defineStep } from "../step.ts";
import { pasteRaw } from "../sprites/trimFrame.ts";
import { lanczosTile } from "../upscale/lanczosTile.ts";
import { modelTile } from "../upscale/modelTile.ts";
import { tilesOf } from "../upscale/tiles.ts";

export const upscaleParams = z
  .object({
    scale: z.number().int().min(2).max(8).default(2),
    /** Source pixels per tile side; progress is reported per tile. */
    tileSize: z.number().int().min(32).max(1024).default(256),
    /** An ONNX super-resolution model from the model registry; Lanczos3 when omitted. */
    model: z.string().min(1).max(200).optional(),
  })
  .strict();

export const upscaleStep = defineStep({
  name: "upscale",
  description: "Enlarge by 2-8x, tile by tile: Lanczos3, or an operator's super-resolution model.",
  params: upscaleParams,
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  price: { perMegapixel: 1 },
  expectedMs: 6000,
  models: [],
  plannedOutputs: (p, inputs) =>
    inputs.map((i) => ({ width: i.width * p.scale, height: i.height * p.scale })),
  run: (ctx) =>
    perImage(ctx, async (input, progress) => {
      const { scale, tileSize, model } = ctx.params;
      const opened = await openArtifact(input, ctx.env);
      const outPixels = opened.width * scale * opened.height * scale;
      if (outPixels > ctx.env.maxInputPixels * 4) {
        throw new AppError(
          "IMAGE_TOO_LARGE",
          `Upscaling by ${scale} would make ${outPixels.toLocaleString("en")} pixels.`,
          {
            width: opened.width * scale,
            height: opened.height * scale,
          },
        );
      }
      const source = await decodeRgba(opened);
      const out: RawImage = {
        data: Buffer.alloc(outPixels * 4),
        width: source.width * scale,
        height: source.height * scale,
        channels: 4,
      };
      const tiles = tilesOf(source.width, source.height, tileSize);
      for (const [index, tile] of tiles.entries()) {
        throwIfAborted(ctx.signal);
        const smooth = await lanczosTile(source, tile, scale);
        if (model) {
          const detailed = await modelTile(source, tile, scale, model, ctx.env);
          for (let i = 0; i < smooth.data.length; i += 4) {
            smooth.data[i] = detailed.data[i]!;
            smooth.data[i + 1] = detailed.data[i + 1]!;
            smooth.data[i + 2] = detailed.data[i + 2]!;
          }
        }
        pasteRaw(out, smooth, tile.x * scale, tile.y * scale);
        progress((index + 1) / tiles.length, `tile ${index + 1}/${tiles.length}`);
      }
      const image = await toArtifact(input.name, rawToSharp(out), "png", {
        meta: { scale, method: model ?? "lanczos3" },
      });
      return { images: [image] };
    }),
});

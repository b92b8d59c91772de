import { AppError } from "@atelier/shared";
import type { RawImage } from "../imageIo.ts";
import type { PipelineEnv } from "../step.ts";
import { cropRaw } from "../sprites/trimFrame.ts";
import { type Tile, withMargin } from "./tiles.ts";

const margin = 8;

/**
 * Runs an operator-added super-resolution model (manifest entry in the models folder) on one
 * tile. Expected signature, as ESRGAN-style exports have it: input float32 1x3xHxW in 0..1,
 * output 1x3x(sH)x(sW). Alpha is upscaled separately by the caller's Lanczos path.
 */
export async function modelTile(
  source: RawImage,
  tile: Tile,
  scale: number,
  model: string,
  env: Pick<PipelineEnv, "modelsDir" | "executionProviders" | "log" | "leanMemory" | "inference">,
): Promise<RawImage> {
  const [{ getModel }, { expectFloat32, float32Tensor }] = await Promise.all([
    import("../models/sessionPool.ts"),
    import("../models/inference/tensorData.ts"),
  ]);
  const session = await getModel(model, env);
  const context = withMargin(tile, margin, source.width, source.height);
  const region = cropRaw(source, context);
  const plane = region.width * region.height;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) input[c * plane + i] = region.data[i * 4 + c]! / 255;
  }
  const feeds = {
    [session.inputNames[0]!]: float32Tensor(input, [1, 3, region.height, region.width]),
  };
  const result = await session.run(feeds);
  const output = result[session.outputNames[0]!];
  const values = expectFloat32(output, "upscaled tile");
  const [, channels, outHeight, outWidth] = output!.dims as number[];
  if (channels !== 3 || outWidth !== region.width * scale || outHeight !== region.height * scale) {
    throw new AppError("CONFIG_ERROR", `Model ${model} does not upscale by ${scale}.`, {
      dims: output!.dims,
      scale,
    });
  }
  const outPlane = outWidth * outHeight;
  const data = Buffer.alloc(outPlane * 4);
  for (let i = 0; i < outPlane; i++) {
    for (let c = 0; c < 3; c++)
      data[i * 4 + c] = Math.min(255, Math.max(0, Math.round(values[c * outPlane + i]! * 255)));
    data[i * 4 + 3] = 255;
  }
  return cropRaw(
    { data, width: outWidth, height: outHeight, channels: 4 },
    {
      x: (tile.x - context.x) * scale,
      y: (tile.y - context.y) * scale,
      width: tile.width * scale,
      height: tile.height * scale,
    },
  );
}

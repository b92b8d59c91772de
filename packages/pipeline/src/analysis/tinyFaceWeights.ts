import { z } from "zod";
import { loadModelBytes } from "../models/loadModelBytes.ts";
import { findAsset } from "../models/modelRegistry.ts";
import { recordLoadedModel } from "../models/sessionPool.ts";

const manifestSchema = z.array(
  z.object({
    paths: z.array(z.string()),
    weights: z.array(
      z.object({
        name: z.string(),
        shape: z.array(z.number().int().positive()),
        dtype: z.literal("float32"),
        quantization: z.object({ dtype: z.literal("uint8"), scale: z.number(), min: z.number() }).optional(),
      }),
    ),
  }),
);

export interface Weight {
  shape: number[];
  data: Float32Array;
}

let weights: Promise<Map<string, Weight>> | undefined;

/** The tiny face detector's tensors by name, dequantised from the package's uint8 weight file. */
export function tinyFaceWeights(): Promise<Map<string, Weight>> {
  weights ??= load();
  weights.catch(() => {
    weights = undefined;
  });
  return weights;
}

async function load(): Promise<Map<string, Weight>> {
  const started = performance.now();
  const [manifestBytes, bin] = await Promise.all([
    loadModelBytes(findAsset("tiny-face-detector-manifest")),
    loadModelBytes(findAsset("tiny-face-detector-weights")),
  ]);
  const groups = manifestSchema.parse(JSON.parse(manifestBytes.toString("utf8")));
  const out = new Map<string, Weight>();
  let offset = 0;
  for (const group of groups) {
    for (const entry of group.weights) {
      const size = entry.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      if (entry.quantization) {
        const { scale, min } = entry.quantization;
        for (let i = 0; i < size; i++) data[i] = bin[offset + i]! * scale + min;
        offset += size;
      } else {
        for (let i = 0; i < size; i++) data[i] = bin.readFloatLE(offset + i * 4);
        offset += size * 4;
      }
      out.set(entry.name, { shape: entry.shape, data });
    }
  }
  if (offset !== bin.length) throw new Error(`face weights: read ${offset} of ${bin.length} bytes`);
  recordLoadedModel({
    name: "tiny-face-detector",
    provider: "js",
    vramMb: 0,
    loadMs: Math.round(performance.now() - started),
  });
  return out;
}

import * as ort from "onnxruntime-node";
import { getSession } from "../models/sessionPool.ts";
import type { PipelineEnv } from "../step.ts";
import { decodeRgb, type RawImage } from "./decodeImage.ts";
import { stretchBilinear } from "./stretchBilinear.ts";
import { throwIfCancelled } from "./throwIfCancelled.ts";

/** ISNet's fixed input side. */
const SIDE = 1024;

export type IsnetModel = "isnet-medium" | "isnet-small";

export interface SubjectMask {
  /** One byte per pixel, 0 background .. 255 subject, at the image's own size. */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Segmentation {
  mask: SubjectMask;
  /** The decoded (upright, sRGB) image the mask belongs to. */
  rgb: RawImage;
  provider: string;
}

/** The subject mask of an encoded image (PNG, JPEG, WebP...). */
export async function segmentSubject(
  image: Buffer,
  env: PipelineEnv,
  signal: AbortSignal,
  model: IsnetModel = "isnet-medium",
): Promise<SubjectMask> {
  return (await segmentImage(image, env, signal, model)).mask;
}

/** Like segmentSubject, also handing back the decoded pixels so callers need not decode twice. */
export async function segmentImage(
  image: Buffer,
  env: PipelineEnv,
  signal: AbortSignal,
  model: IsnetModel = "isnet-medium",
  onPhase?: (fraction: number, note: string) => void,
): Promise<Segmentation> {
  throwIfCancelled(signal);
  const rgb = await decodeRgb(image, env);
  return segmentRgb(rgb, env, signal, model, onPhase);
}

/** The subject mask of already decoded pixels. */
export async function segmentRgb(
  rgb: RawImage,
  env: PipelineEnv,
  signal: AbortSignal,
  model: IsnetModel = "isnet-medium",
  onPhase?: (fraction: number, note: string) => void,
): Promise<Segmentation> {
  throwIfCancelled(signal);
  onPhase?.(0.05, "loading model");
  const pooled = await getSession(model, env);
  throwIfCancelled(signal);
  const input = isnetInput(rgb);
  throwIfCancelled(signal);
  onPhase?.(0.25, "segmenting");
  const outputs = await pooled.session.run({ [pooled.session.inputNames[0]!]: input }, ["output"]);
  throwIfCancelled(signal);
  onPhase?.(0.85, "resizing mask");
  const mask = maskAtImageSize(outputs.output!.data as Float32Array, rgb.width, rgb.height);
  for (const tensor of Object.values(outputs)) tensor.dispose();
  return { mask, rgb, provider: pooled.provider };
}

/** imgly's preprocessing: stretch to 1024x1024 bilinearly, then (v - 128) / 256 per channel, planar. */
function isnetInput(rgb: RawImage): ort.Tensor {
  const resized = stretchBilinear(rgb.data, rgb.width, rgb.height, 3, SIDE, SIDE);
  const plane = SIDE * SIDE;
  const planar = new Float32Array(3 * plane);
  for (let i = 0, p = 0; p < plane; p++, i += 3) {
    planar[p] = (resized[i]! - 128) / 256;
    planar[p + plane] = (resized[i + 1]! - 128) / 256;
    planar[p + 2 * plane] = (resized[i + 2]! - 128) / 256;
  }
  return new ort.Tensor("float32", planar, [1, 3, SIDE, SIDE]);
}

function maskAtImageSize(probabilities: Float32Array, width: number, height: number): SubjectMask {
  const bytes = Buffer.allocUnsafe(SIDE * SIDE);
  for (let i = 0; i < bytes.length; i++) {
    const v = probabilities[i]!;
    // Truncated, not rounded, as the reference implementation does.
    bytes[i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.floor(v * 255);
  }
  if (width === SIDE && height === SIDE) return { data: bytes, width, height };
  return { data: stretchBilinear(bytes, SIDE, SIDE, 1, width, height), width, height };
}

import { decodeRgb, imageError, openImage } from "../analysis/decodeImage.ts";
import { throwIfCancelled } from "../analysis/throwIfCancelled.ts";
import { expectFloat32, float32Tensor } from "../models/inference/tensorData.ts";
import { getModel } from "../models/sessionPool.ts";
import type { PipelineEnv } from "../step.ts";

export const MODERATION_MODEL = "nsfwjs-mobilenet-v2";
const SIDE = 224;

/** NSFWJS's five classes, in the order of the model's output. */
export const moderationClasses = ["drawing", "hentai", "neutral", "porn", "sexy"] as const;
export type ModerationClass = (typeof moderationClasses)[number];
export type ModerationScores = Record<ModerationClass, number>;

export interface ImageModeration {
  scores: ModerationScores;
  /** Probability that the image is in an unsafe class: porn + hentai + sexy. */
  unsafe: number;
  model: string;
  provider: string;
}

/** What the held/flagged decision compares with the organization's threshold. */
export function unsafeScore(scores: ModerationScores): number {
  return scores.porn + scores.hentai + scores.sexy;
}

/**
 * Scores one image with NSFWJS's MobileNetV2 the way nsfwjs does: RGB / 255, corner-aligned
 * bilinear resize to 224x224. Big images are first shrunk by sharp to at most 448 px, which
 * the 224 px network cannot tell apart and saves decoding tens of megapixels in JavaScript.
 */
export async function scoreImage(
  image: Buffer,
  env: Pick<
    PipelineEnv,
    "maxInputPixels" | "executionProviders" | "modelsDir" | "log" | "leanMemory" | "inference"
  >,
  signal?: AbortSignal,
): Promise<ImageModeration> {
  const small = await shrink(image, env);
  const rgb = await decodeRgb(small, env);
  const pooled = await getModel(MODERATION_MODEL, env);
  if (signal) throwIfCancelled(signal);
  const input = float32Tensor(planarInput(rgb.data, rgb.width, rgb.height, rgb.channels), [1, 3, SIDE, SIDE]);
  const outputName = pooled.outputNames[0] ?? "";
  const outputs = await pooled.run(
    { [pooled.inputNames[0] ?? "input"]: input },
    { fetches: [outputName], signal },
  );
  const probabilities = expectFloat32(outputs[outputName], "class scores");
  const scores = Object.fromEntries(
    moderationClasses.map((name, i) => [name, round(probabilities[i] ?? 0)]),
  ) as ModerationScores;
  return { scores, unsafe: round(unsafeScore(scores)), model: MODERATION_MODEL, provider: pooled.provider };
}

async function shrink(image: Buffer, env: Pick<PipelineEnv, "maxInputPixels">): Promise<Buffer> {
  try {
    return await openImage(image, env)
      .resize(SIDE * 2, SIDE * 2, { fit: "inside", withoutEnlargement: true })
      .png({ compressionLevel: 0 })
      .toBuffer();
  } catch (err) {
    throw imageError(err, env);
  }
}

function round(v: number): number {
  return Math.round(v * 1e5) / 1e5;
}

/** tf.image.resizeBilinear(alignCorners = true) to 224x224, scaled to 0..1, planar RGB. */
function planarInput(src: Buffer, width: number, height: number, channels: number): Float32Array {
  const out = new Float32Array(3 * SIDE * SIDE);
  const sx = (width - 1) / (SIDE - 1);
  const sy = (height - 1) / (SIDE - 1);
  for (let y = 0; y < SIDE; y++) {
    const fy = y * sy;
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const dy = fy - y0;
    for (let x = 0; x < SIDE; x++) {
      const fx = x * sx;
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const dx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => src[(yy * width + xx) * channels + c] ?? 0;
        const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * dx;
        const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * dx;
        out[c * SIDE * SIDE + y * SIDE + x] = (top + (bottom - top) * dy) / 255;
      }
    }
  }
  return out;
}

import { decodeRgb, imageError, openImage } from "../analysis/decodeImage.ts";
import { throwIfCancelled } from "../analysis/throwIfCancelled.ts";
import { SliceTimer } from "../analysis/yieldToEventLoop.ts";
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
  const planar = await planarInput(rgb.data, rgb.width, rgb.height, rgb.channels);
  const input = float32Tensor(planar, [1, 3, SIDE, SIDE]);
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

/**
 * tf.image.resizeBilinear(alignCorners = true) to 224x224, scaled to 0..1, planar RGB. Runs on a
 * node's main thread beside its models: column offsets are worked out once and the event loop gets
 * a turn every few milliseconds (called once per output, it often runs before V8 has optimised it).
 */
async function planarInput(
  src: Buffer,
  width: number,
  height: number,
  channels: number,
): Promise<Float32Array> {
  const plane = SIDE * SIDE;
  const out = new Float32Array(3 * plane);
  const sx = (width - 1) / (SIDE - 1);
  const sy = (height - 1) / (SIDE - 1);
  const x0s = new Int32Array(SIDE);
  const x1s = new Int32Array(SIDE);
  const dxs = new Float64Array(SIDE);
  for (let x = 0; x < SIDE; x++) {
    const fx = x * sx;
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(width - 1, x0s[x]! + 1);
    dxs[x] = fx - x0s[x]!;
  }
  const timer = new SliceTimer();
  for (let y = 0; y < SIDE; y++) {
    if (timer.due()) await timer.yield();
    const fy = y * sy;
    const y0 = Math.floor(fy);
    const row0 = y0 * width;
    const row1 = Math.min(height - 1, y0 + 1) * width;
    const dy = fy - y0;
    for (let x = 0; x < SIDE; x++) {
      const dx = dxs[x]!;
      const a = (row0 + x0s[x]!) * channels;
      const b = (row0 + x1s[x]!) * channels;
      const c = (row1 + x0s[x]!) * channels;
      const d = (row1 + x1s[x]!) * channels;
      for (let k = 0, o = y * SIDE + x; k < 3; k++, o += plane) {
        const top = (src[a + k] ?? 0) + ((src[b + k] ?? 0) - (src[a + k] ?? 0)) * dx;
        const bottom = (src[c + k] ?? 0) + ((src[d + k] ?? 0) - (src[c + k] ?? 0)) * dx;
        out[o] = (top + (bottom - top) * dy) / 255;
      }
    }
  }
  return out;
}

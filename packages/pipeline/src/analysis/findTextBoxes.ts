import sharp from "sharp";
import type { Box } from "../analysis.ts";
import { expectFloat32, float32Tensor } from "../models/inference/tensorData.ts";
import { getModel } from "../models/sessionPool.ts";
import type { PipelineEnv } from "../step.ts";
import type { RawImage } from "./decodeImage.ts";
import { labelComponents } from "./labelComponents.ts";

/**
 * PaddleOCR's DBPostProcess defaults for PP-OCRv4. Sizing follows RapidOCR's "min" mode: the
 * model misses text that is small or soft at its native scale (the handwriting in text.png is
 * found only from about 3x), so the short side is brought to 736 px, the long side capped.
 */
export interface FindTextBoxesOptions {
  shortSideLen: number;
  maxLongSide: number;
  threshold: number;
  boxThreshold: number;
  unclipRatio: number;
  minSize: number;
}

export const findTextBoxesDefaults: Readonly<FindTextBoxesOptions> = {
  /** The short side is scaled (up or down) to this many pixels before detection. */
  shortSideLen: 736,
  /** ...unless that would make the long side exceed this. */
  maxLongSide: 2048,
  /** Pixel probability above which a pixel is text. */
  threshold: 0.3,
  /** Mean probability a region needs to count as text. */
  boxThreshold: 0.6,
  /** How far a region is grown back out; DB shrinks text regions when training. */
  unclipRatio: 1.5,
  minSize: 3,
};

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/**
 * Where the image has text (PP-OCRv4 detection): regions as axis-aligned boxes in the image's pixels,
 * with the DB region score.
 */
export async function findTextBoxes(
  rgb: RawImage,
  env: PipelineEnv,
  options: Partial<FindTextBoxesOptions> = {},
): Promise<Box[]> {
  const opts = { ...findTextBoxesDefaults, ...options };
  const model = await getModel("ppocr-v4-det", env);
  const { tensor, width, height } = await detectionInput(rgb, opts.shortSideLen, opts.maxLongSide);
  const outputs = await model.run({ [model.inputNames[0]!]: tensor });
  const probabilities = expectFloat32(outputs[model.outputNames[0]!], "text probability map");
  const boxes = boxesFromProbabilities(probabilities, width, height, opts).map((b) =>
    toImageBox(b, rgb.width / width, rgb.height / height, rgb.width, rgb.height),
  );
  return boxes.sort((a, b) => a.y - b.y || a.x - b.x);
}

/** Scales as described above, each side a multiple of 32; BGR, ImageNet-normalised. */
async function detectionInput(rgb: RawImage, shortSideLen: number, maxLongSide: number) {
  const scale = Math.min(
    shortSideLen / Math.min(rgb.width, rgb.height),
    maxLongSide / Math.max(rgb.width, rgb.height),
  );
  const width = Math.max(32, Math.round((rgb.width * scale) / 32) * 32);
  const height = Math.max(32, Math.round((rgb.height * scale) / 32) * 32);
  const resized = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize(width, height, { fit: "fill", kernel: "linear" })
    .raw()
    .toBuffer();
  const plane = width * height;
  const planar = new Float32Array(3 * plane);
  // The model was trained on OpenCV's BGR order: plane 0 is blue.
  for (let p = 0, i = 0; p < plane; p++, i += 3) {
    for (let c = 0; c < 3; c++) {
      planar[c * plane + p] = (resized[i + 2 - c]! / 255 - MEAN[c]!) / STD[c]!;
    }
  }
  return { tensor: float32Tensor(planar, [1, 3, height, width]), width, height };
}

/**
 * DB post-processing on axis-aligned regions: threshold, connected regions, mean-probability
 * score, then unclip by area * ratio / perimeter on every side (exact for rectangles).
 */
export function boxesFromProbabilities(
  probabilities: Float32Array,
  width: number,
  height: number,
  opts: FindTextBoxesOptions,
): Box[] {
  const bitmap = new Uint8Array(width * height);
  for (let i = 0; i < bitmap.length; i++) bitmap[i] = probabilities[i]! > opts.threshold ? 1 : 0;
  const boxes: Box[] = [];
  for (const region of labelComponents(bitmap, width, height)) {
    const w = region.maxX - region.minX + 1;
    const h = region.maxY - region.minY + 1;
    if (Math.min(w, h) < opts.minSize) continue;
    let sum = 0;
    for (const index of region.pixels) sum += probabilities[index]!;
    const score = sum / region.pixels.length;
    if (score < opts.boxThreshold) continue;
    const distance = (w * h * opts.unclipRatio) / (2 * (w + h));
    if (Math.min(w, h) + 2 * distance < opts.minSize + 2) continue;
    boxes.push({
      x: region.minX - distance,
      y: region.minY - distance,
      width: w + 2 * distance,
      height: h + 2 * distance,
      score: Math.round(score * 1000) / 1000,
    });
  }
  return boxes;
}

function toImageBox(box: Box, sx: number, sy: number, maxW: number, maxH: number): Box {
  const x0 = clamp(Math.round(box.x * sx), 0, maxW);
  const y0 = clamp(Math.round(box.y * sy), 0, maxH);
  const x1 = clamp(Math.round((box.x + box.width) * sx), 0, maxW);
  const y1 = clamp(Math.round((box.y + box.height) * sy), 0, maxH);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0, score: box.score, label: "text" };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

import type { Box } from "../analysis.ts";
import type { RawImage } from "./decodeImage.ts";
import { stretchBilinear } from "./stretchBilinear.ts";
import { runTinyFaceNet } from "./tinyFaceNet.ts";
import { tinyFaceWeights } from "./tinyFaceWeights.ts";

/** face-api.js TinyFaceDetector constants (tinyFaceDetector/const.ts, TinyYolov2Options defaults). */
const INPUT_SIZE = 416;
const MEAN_RGB = [117.001, 114.697, 97.404];
const ANCHORS: Array<[number, number]> = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
const IOU_THRESHOLD = 0.4;
export const defaultFaceScoreThreshold = 0.5;

/** Faces as boxes in the image's pixels, best first. */
export async function detectFaces(rgb: RawImage, scoreThreshold = defaultFaceScoreThreshold): Promise<Box[]> {
  const weights = await tinyFaceWeights();
  const side = Math.max(rgb.width, rgb.height);
  // As face-api: pad to a square at the bottom/right with black, stretch to 416, subtract the mean.
  const square = new Uint8Array(side * side * 3);
  for (let y = 0; y < rgb.height; y++) {
    square.set(rgb.data.subarray(y * rgb.width * 3, (y + 1) * rgb.width * 3), y * side * 3);
  }
  const resized = stretchBilinear(square, side, side, 3, INPUT_SIZE, INPUT_SIZE);
  const input = new Float32Array(resized.length);
  for (let i = 0; i < resized.length; i++) input[i] = (resized[i]! - MEAN_RGB[i % 3]!) / 255;
  const out = runTinyFaceNet({ data: input, height: INPUT_SIZE, width: INPUT_SIZE, channels: 3 }, weights);
  const scale = INPUT_SIZE / side;
  const fx = INPUT_SIZE / Math.round(rgb.width * scale);
  const fy = INPUT_SIZE / Math.round(rgb.height * scale);
  const cells = out.height;
  const candidates: Box[] = [];
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < out.width; col++) {
      for (let a = 0; a < ANCHORS.length; a++) {
        const o = (row * out.width + col) * out.channels + a * 5;
        const score = sigmoid(out.data[o + 4]!);
        if (score <= scoreThreshold) continue;
        const cx = ((col + sigmoid(out.data[o]!)) / cells) * fx;
        const cy = ((row + sigmoid(out.data[o + 1]!)) / cells) * fy;
        const w = ((Math.exp(out.data[o + 2]!) * ANCHORS[a]![0]) / cells) * fx;
        const h = ((Math.exp(out.data[o + 3]!) * ANCHORS[a]![1]) / cells) * fy;
        candidates.push(
          clampBox(
            (cx - w / 2) * rgb.width,
            (cy - h / 2) * rgb.height,
            w * rgb.width,
            h * rgb.height,
            rgb,
            score,
          ),
        );
      }
    }
  }
  return nonMaxSuppression(candidates);
}

function clampBox(x: number, y: number, width: number, height: number, rgb: RawImage, score: number): Box {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(rgb.width, Math.round(x + width));
  const y1 = Math.min(rgb.height, Math.round(y + height));
  return {
    x: x0,
    y: y0,
    width: x1 - x0,
    height: y1 - y0,
    score: Math.round(score * 1000) / 1000,
    label: "face",
  };
}

function nonMaxSuppression(boxes: Box[]): Box[] {
  const kept: Box[] = [];
  for (const box of [...boxes].sort((a, b) => b.score! - a.score!)) {
    if (kept.every((k) => iou(k, box) <= IOU_THRESHOLD)) kept.push(box);
  }
  return kept;
}

function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

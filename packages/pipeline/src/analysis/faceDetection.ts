import { AppError } from "@atelier/shared";
import type { Box } from "../analysis.ts";
import type { TensorData } from "../models/inference/tensorData.ts";
import { getFaceDetector, type ModelEnv } from "../models/sessionPool.ts";
import type { RawImage } from "./decodeImage.ts";
import { TINY_FACE_SIDE } from "./tinyFaceInput.ts";

/** face-api.js TinyFaceDetector constants (tinyFaceDetector/const.ts, TinyYolov2Options defaults). */
const INPUT_SIZE = TINY_FACE_SIDE;
const ANCHORS: Array<[number, number]> = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
const IOU_THRESHOLD = 0.4;
export const defaultFaceScoreThreshold = 0.5;

/**
 * Faces as boxes in the image's pixels, best first. The network (≈1 s of JavaScript per image) and
 * its input preparation run in the detector's worker thread; only the box decoding runs here.
 */
export async function detectFaces(
  rgb: RawImage,
  scoreThreshold = defaultFaceScoreThreshold,
  env?: ModelEnv,
): Promise<Box[]> {
  const detector = await getFaceDetector(env);
  // A copy goes to the worker: the caller keeps using its pixels.
  const image: TensorData = {
    type: "uint8",
    data: new Uint8Array(rgb.data),
    dims: [rgb.height, rgb.width, 3],
  };
  const outputs = await detector.run({ image });
  const grid = outputs.grid;
  if (!grid || !(grid.data instanceof Float32Array) || grid.dims.length !== 3) {
    throw new AppError("INTERNAL", "The face detector gave no output grid; the job will be retried.", {
      dims: grid?.dims ?? null,
    });
  }
  const [gridHeight, gridWidth, gridChannels] = grid.dims as [number, number, number];
  const out = { data: grid.data, height: gridHeight, width: gridWidth, channels: gridChannels };
  const side = Math.max(rgb.width, rgb.height);
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

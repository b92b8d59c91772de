import sharp from "sharp";
import type { Box } from "../analysis.ts";
import { loadModelBytes } from "../models/loadModelBytes.ts";
import { findAsset } from "../models/modelRegistry.ts";
import { expectFloat32, float32Tensor } from "../models/inference/tensorData.ts";
import { getModel } from "../models/sessionPool.ts";
import type { PipelineEnv } from "../step.ts";
import type { RawImage } from "./decodeImage.ts";

/** PP-OCRv4 recognition reads lines 48 px high; narrower crops are padded to 320 px as PaddleOCR does. */
const LINE_HEIGHT = 48;
const MIN_WIDTH = 320;
const MAX_WIDTH = 1600;
/** PaddleOCR's drop_score: below this mean confidence a reading is noise. */
export const minReadingScore = 0.5;

export interface Reading {
  text: string;
  score: number;
}

let dictionary: Promise<string[]> | undefined;

/** CTC symbols: index 0 is the blank, then the dictionary, then a space (use_space_char). */
function symbols(): Promise<string[]> {
  dictionary ??= loadModelBytes(findAsset("ppocr-keys-v1")).then((bytes) => {
    const lines = bytes.toString("utf8").split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    return ["", ...lines, " "];
  });
  dictionary.catch(() => {
    dictionary = undefined;
  });
  return dictionary;
}

/**
 * Reads the text inside one box of the image (PP-OCRv4 recognition); an empty text when nothing legible
 * is there.
 */
export async function readTextInBox(rgb: RawImage, box: Box, env: PipelineEnv): Promise<Reading> {
  const [model, chars] = await Promise.all([getModel("ppocr-v4-rec", env), symbols()]);
  const left = Math.max(0, Math.floor(box.x));
  const top = Math.max(0, Math.floor(box.y));
  const width = Math.min(rgb.width - left, Math.ceil(box.width));
  const height = Math.min(rgb.height - top, Math.ceil(box.height));
  if (width < 2 || height < 2) return { text: "", score: 0 };
  const lineWidth = Math.min(MAX_WIDTH, Math.max(1, Math.ceil((LINE_HEIGHT * width) / height)));
  const line = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize(lineWidth, LINE_HEIGHT, { fit: "fill", kernel: "linear" })
    .raw()
    .toBuffer();
  const tensorWidth = Math.max(MIN_WIDTH, lineWidth);
  const plane = tensorWidth * LINE_HEIGHT;
  const planar = new Float32Array(3 * plane);
  for (let y = 0; y < LINE_HEIGHT; y++) {
    for (let x = 0; x < lineWidth; x++) {
      const i = (y * lineWidth + x) * 3;
      const p = y * tensorWidth + x;
      // BGR planes, scaled to -1..1.
      planar[p] = line[i + 2]! / 127.5 - 1;
      planar[p + plane] = line[i + 1]! / 127.5 - 1;
      planar[p + 2 * plane] = line[i]! / 127.5 - 1;
    }
  }
  const input = float32Tensor(planar, [1, 3, LINE_HEIGHT, tensorWidth]);
  const outputs = await model.run({ [model.inputNames[0]!]: input });
  const probabilities = outputs[model.outputNames[0]!];
  const data = expectFloat32(probabilities, "symbol probabilities");
  const [, steps, classes] = probabilities!.dims as [number, number, number];
  return ctcDecode(data, steps, classes, chars);
}

/** Greedy CTC: best symbol per step, repeats merged, blanks dropped; score is the kept symbols' mean. */
export function ctcDecode(data: Float32Array, steps: number, classes: number, chars: string[]): Reading {
  let text = "";
  let scoreSum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = Number.NEGATIVE_INFINITY;
    const row = t * classes;
    for (let c = 0; c < classes; c++) {
      const p = data[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += chars[best] ?? "";
      scoreSum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text: text.trim(), score: kept > 0 ? Math.round((scoreSum / kept) * 1000) / 1000 : 0 };
}

import type { Box, ImageAnalysis } from "../analysis.ts";
import type { PipelineEnv } from "../step.ts";
import { decodeRgb } from "./decodeImage.ts";
import { ocr } from "./ocr.ts";
import { dominantColours } from "./dominantColours.ts";
import { drawBoxes } from "./drawBoxes.ts";
import { detectFaces } from "./faceDetection.ts";
import { segmentRgb } from "./segmentSubject.ts";
import { subjectBox } from "./subjectBox.ts";
import { throwIfCancelled } from "./throwIfCancelled.ts";

export interface AnalyzeOptions {
  env: PipelineEnv;
  signal: AbortSignal;
  /** What to look for; everything by default. Colours are always given (they cost next to nothing). */
  want?: { subject?: boolean; text?: boolean; faces?: boolean };
  onProgress?: (fraction: number, note: string) => void;
  /** Receives the image with what was found outlined. */
  onPreview?: (image: Buffer) => Promise<void>;
}

/**
 * Subject box (ISNet mask), faces (face-api.js tiny face detector), text boxes (PP-OCRv4
 * detection) and dominant colours of an image.
 */
export async function analyzeImage(image: Buffer, opts: AnalyzeOptions): Promise<ImageAnalysis> {
  const { env, signal, onProgress } = opts;
  const want = { subject: true, text: true, faces: true, ...opts.want };
  throwIfCancelled(signal);
  const rgb = await decodeRgb(image, env);
  onProgress?.(0.05, "colours");
  const colours = await dominantColours(rgb);
  let subject: Box | null = null;
  if (want.subject) {
    onProgress?.(0.1, "finding the subject");
    const { mask } = await segmentRgb(rgb, env, signal);
    subject = await subjectBox(mask);
  }
  let faces: Box[] = [];
  if (want.faces) {
    throwIfCancelled(signal);
    onProgress?.(0.6, "finding faces");
    faces = await detectFaces(rgb, undefined, env);
  }
  let texts: Box[] = [];
  if (want.text) {
    throwIfCancelled(signal);
    onProgress?.(0.75, "finding text");
    texts = await ocr(rgb, env, signal);
  }
  throwIfCancelled(signal);
  if (opts.onPreview)
    await opts.onPreview(await drawBoxes(rgb, [...(subject ? [subject] : []), ...faces, ...texts]));
  onProgress?.(1, "done");
  return { width: rgb.width, height: rgb.height, subject, faces, texts, colours };
}

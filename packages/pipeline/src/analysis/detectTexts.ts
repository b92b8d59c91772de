import type { Box } from "../analysis.ts";
import type { PipelineEnv } from "../step.ts";
import type { RawImage } from "./decodeImage.ts";
import { groupLines } from "./groupLines.ts";
import { type DetectionOptions, detectTextBoxes } from "./textDetection.ts";
import { minRecognitionScore, recognizeText } from "./textRecognition.ts";
import { throwIfCancelled } from "./throwIfCancelled.ts";

export type TextBox = Box & { text?: string };

export interface DetectTextsOptions extends Partial<DetectionOptions> {
  recognize?: boolean;
  /** "lines" (default) joins the words of a line into one box; "words" keeps them apart. */
  group?: "lines" | "words";
  onProgress?: (fraction: number, note: string) => void;
}

/** Text boxes of a decoded image, with their text when asked (boxes without legible text keep no text). */
export async function detectTexts(
  rgb: RawImage,
  env: PipelineEnv,
  signal: AbortSignal,
  options: DetectTextsOptions = {},
): Promise<TextBox[]> {
  const { recognize = false, group = "lines", onProgress, ...detection } = options;
  const grouped = (boxes: TextBox[]) => (group === "lines" ? groupLines(boxes) : boxes);
  throwIfCancelled(signal);
  const boxes: TextBox[] = await detectTextBoxes(rgb, env, detection);
  throwIfCancelled(signal);
  if (!recognize) return grouped(boxes);
  for (const [i, box] of boxes.entries()) {
    onProgress?.(i / boxes.length, "reading text");
    const reading = await recognizeText(rgb, box, env);
    throwIfCancelled(signal);
    if (reading.text && reading.score >= minRecognitionScore) box.text = reading.text;
  }
  return grouped(boxes);
}

import type { TextBox } from "../analysis.ts";
import type { PipelineEnv } from "../step.ts";
import type { RawImage } from "./decodeImage.ts";
import { groupLines } from "./groupLines.ts";
import { type FindTextBoxesOptions, findTextBoxes } from "./findTextBoxes.ts";
import { minReadingScore, readTextInBox } from "./readTextInBox.ts";
import { throwIfCancelled } from "./throwIfCancelled.ts";

export interface OcrOptions extends Partial<FindTextBoxesOptions> {
  recognize?: boolean;
  /** "lines" (default) joins the words of a line into one box; "words" keeps them apart. */
  group?: "lines" | "words";
  onProgress?: (fraction: number, note: string) => void;
}

/**
 * PP-OCRv4 on a decoded image: its text boxes, with their text when asked (boxes without legible text
 * keep no text), joined into lines unless asked for words.
 */
export async function ocr(
  rgb: RawImage,
  env: PipelineEnv,
  signal: AbortSignal,
  options: OcrOptions = {},
): Promise<TextBox[]> {
  const { recognize = false, group = "lines", onProgress, ...detection } = options;
  const grouped = (boxes: TextBox[]) => (group === "lines" ? groupLines(boxes) : boxes);
  throwIfCancelled(signal);
  const boxes: TextBox[] = await findTextBoxes(rgb, env, detection);
  throwIfCancelled(signal);
  if (!recognize) return grouped(boxes);
  for (const [i, box] of boxes.entries()) {
    onProgress?.(i / boxes.length, "reading text");
    const reading = await readTextInBox(rgb, box, env);
    throwIfCancelled(signal);
    if (reading.text && reading.score >= minReadingScore) box.text = reading.text;
  }
  return grouped(boxes);
}

import type { TextBox } from "../analysis.ts";

/** Words on one line overlap vertically by at least this share of the shorter one... */
const MIN_VERTICAL_OVERLAP = 0.5;
/** ...and are at most this many line heights apart. */
const MAX_GAP_IN_HEIGHTS = 1;

/**
 * Joins word boxes into line boxes, left to right, the way PaddleOCR reports text: detection
 * on an upscaled image separates words that the model would join at its native scale. A line's
 * score is its words' lowest; its text, when read, is the words' texts joined by spaces.
 */
export function groupLines(words: TextBox[]): TextBox[] {
  const lines: TextBox[][] = [];
  for (const word of [...words].sort((a, b) => a.x - b.x)) {
    const line = lines.find((candidate) => sameLine(candidate.at(-1)!, word));
    if (line) line.push(word);
    else lines.push([word]);
  }
  return lines.map(joinLine).sort((a, b) => a.y - b.y || a.x - b.x);
}

function sameLine(last: TextBox, next: TextBox): boolean {
  const overlap = Math.min(last.y + last.height, next.y + next.height) - Math.max(last.y, next.y);
  const shorter = Math.min(last.height, next.height);
  if (overlap < shorter * MIN_VERTICAL_OVERLAP) return false;
  const gap = next.x - (last.x + last.width);
  return gap <= Math.max(last.height, next.height) * MAX_GAP_IN_HEIGHTS;
}

function joinLine(words: TextBox[]): TextBox {
  if (words.length === 1) return words[0]!;
  const x0 = Math.min(...words.map((w) => w.x));
  const y0 = Math.min(...words.map((w) => w.y));
  const x1 = Math.max(...words.map((w) => w.x + w.width));
  const y1 = Math.max(...words.map((w) => w.y + w.height));
  const texts = words.map((w) => w.text).filter((t): t is string => Boolean(t));
  const line: TextBox = {
    x: x0,
    y: y0,
    width: x1 - x0,
    height: y1 - y0,
    score: Math.min(...words.map((w) => w.score ?? 1)),
    label: "text",
  };
  if (texts.length > 0) line.text = texts.join(" ");
  return line;
}

import type { Overlay } from "./editDocument.ts";

/** Lines a new text can start on, far enough apart for a two-line title, all at the left margin. */
const rows = [0.06, 0.24, 0.42, 0.6, 0.78];
const left = 0.06;
/** How much height a text is taken to need before another may start below it. */
const textHeight = 0.16;

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** Whether two texts would be drawn over each other. */
export function overlaps(a: Pick<Overlay, "x" | "y">, b: Pick<Overlay, "x" | "y">): boolean {
  return Math.abs(a.y - b.y) < textHeight && Math.abs(a.x - b.x) < 0.4;
}

/**
 * Where a new text goes: the first free line, so it never lands on another text. Each person walks the
 * lines from a different start (from their id), so two people adding a text at once usually differ
 * already; when they still meet, `settleClash` moves one of the two.
 */
export function freeSpot(
  overlays: readonly Pick<Overlay, "x" | "y">[],
  personId: string,
): { x: number; y: number } {
  const start = hash(personId) % rows.length;
  for (let i = 0; i < rows.length; i++) {
    const spot = { x: left, y: rows[(start + i) % rows.length]! };
    if (!overlays.some((o) => overlaps(o, spot))) return spot;
  }
  // Every line has a text: step down from the start, one small step per text already there.
  return { x: left, y: Math.min(0.9, 0.06 + (overlays.length % 8) * 0.11) };
}

/**
 * Two people who added a text at the same moment, before either saw the other's, may have put them on
 * one line. Both see both; only the text with the greater id moves, so exactly one of them does.
 * Returns where this person's text `mine` should go, or null when it may stay.
 */
export function settleClash(
  mine: Pick<Overlay, "id" | "x" | "y">,
  overlays: readonly Pick<Overlay, "id" | "x" | "y">[],
  personId: string,
): { x: number; y: number } | null {
  const others = overlays.filter((o) => o.id !== mine.id);
  const yields = others.some((o) => overlaps(o, mine) && o.id < mine.id);
  return yields ? freeSpot(others, personId) : null;
}

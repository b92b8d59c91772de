import type { Overlay } from "./editDocument.ts";

/** Rows a new text can start on, and the height one line of text is taken to need. */
const rows = [0.06, 0.2, 0.34, 0.48, 0.62, 0.76];
const columns = [0.06, 0.5];
const lineHeight = 0.12;

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/**
 * Where a new text goes: the first free spot, so it never lands on another text. Each person walks the
 * spots from a different start (from their id), so two people adding a text at the same moment, before
 * either has seen the other's, still pick different spots.
 */
export function freeSpot(
  overlays: readonly Pick<Overlay, "x" | "y">[],
  personId: string,
): { x: number; y: number } {
  const spots = columns.flatMap((x) => rows.map((y) => ({ x, y })));
  const start = hash(personId) % spots.length;
  const taken = (spot: { x: number; y: number }) =>
    overlays.some((o) => Math.abs(o.y - spot.y) < lineHeight && Math.abs(o.x - spot.x) < 0.4);
  for (let i = 0; i < spots.length; i++) {
    const spot = spots[(start + i) % spots.length]!;
    if (!taken(spot)) return spot;
  }
  // Every spot has a text: step down from the start, one line per text already there.
  return { x: 0.06, y: Math.min(0.9, 0.06 + (overlays.length % 8) * 0.11) };
}

/**
 * Lets timers and I/O run before the caller continues. Long pixel loops on the main thread call it
 * every few rows, so a megapixel pass next to a model never holds a process's heartbeats or lease
 * renewals for more than a few milliseconds at a time.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** About this many pixels between two yields: ~1-3 ms of a simple per-pixel loop on one core. */
export const PIXELS_PER_SLICE = 65_536;

/** Rows per slice for rows of this many pixels (at least one). */
export function rowsPerSlice(width: number): number {
  return Math.max(1, Math.floor(PIXELS_PER_SLICE / Math.max(1, width)));
}

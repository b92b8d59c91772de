/**
 * Lets timers and I/O run before the caller continues. Long pixel loops on the main thread call it
 * every few milliseconds, so a megapixel pass next to a model never holds a process's heartbeats or
 * lease renewals for long.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How long a pixel loop runs before it lets the event loop in. */
export const SLICE_MS = 4;

/**
 * When a long pixel loop yields: after SLICE_MS on the clock, not after a count of pixels. A fixed
 * count (64 Ki pixels) took 1-3 ms optimised but up to 17 ms on a first, unoptimised call, and several
 * times that while inference threads shared the core; by the clock a slice stays short either way.
 * Check `due()` once per row.
 */
export class SliceTimer {
  private since = performance.now();

  due(): boolean {
    return performance.now() - this.since >= SLICE_MS;
  }

  async yield(): Promise<void> {
    await yieldToEventLoop();
    this.since = performance.now();
  }
}

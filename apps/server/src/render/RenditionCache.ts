import { AppError } from "@atelier/shared";

export interface CachedRendition {
  width: number;
  height: number;
  mediaType: string;
  data: Buffer;
}

export interface RenditionCacheOptions {
  /** Renders running at once; each holds an original and its decoded pixels in memory. */
  concurrency: number;
  /** Renders waiting for a slot; past this a caller is told to come back (RATE_LIMITED). */
  maxQueued: number;
  /** Bytes of encoded renditions kept, least recently used dropped first. */
  maxCacheBytes: number;
}

export const DEFAULT_RENDITION_CACHE: RenditionCacheOptions = {
  concurrency: 2,
  maxQueued: 32,
  maxCacheBytes: 64 * 1024 * 1024,
};

/**
 * Renditions for `documents.render`: at most `concurrency` renders at a time (a 100-megapixel
 * original decoded four times at once is gigabytes), one render for any number of viewers asking
 * for the same key at once, and finished renditions kept by key — (asset, revision, size, format,
 * organization settings) — so a revision is rendered once per size.
 */
export class RenditionCache {
  private readonly done = new Map<string, CachedRendition>();
  private readonly inFlight = new Map<string, Promise<CachedRendition>>();
  private readonly waiting: Array<() => void> = [];
  private cachedBytes = 0;
  private running = 0;
  private readonly counts = { rendered: 0, hits: 0, shared: 0, peakRunning: 0 };

  constructor(private readonly options: RenditionCacheOptions = DEFAULT_RENDITION_CACHE) {}

  async get(key: string, render: () => Promise<CachedRendition>): Promise<CachedRendition> {
    const hit = this.done.get(key);
    if (hit) {
      this.counts.hits += 1;
      this.done.delete(key);
      this.done.set(key, hit);
      return hit;
    }
    const shared = this.inFlight.get(key);
    if (shared) {
      this.counts.shared += 1;
      return shared;
    }
    const rendering = this.inSlot(render).then((rendition) => {
      this.keep(key, rendition);
      return rendition;
    });
    this.inFlight.set(key, rendering);
    try {
      return await rendering;
    } finally {
      this.inFlight.delete(key);
    }
  }

  stats(): { rendered: number; hits: number; shared: number; peakRunning: number; cachedBytes: number } {
    return { ...this.counts, cachedBytes: this.cachedBytes };
  }

  private async inSlot(render: () => Promise<CachedRendition>): Promise<CachedRendition> {
    if (this.running < this.options.concurrency) {
      this.running += 1;
    } else {
      if (this.waiting.length >= this.options.maxQueued) {
        throw new AppError("RATE_LIMITED", "The server is busy rendering previews; try again in a moment.", {
          retryAfterSec: 1,
        });
      }
      // The slot is handed over by the render that finishes, so `running` never overshoots.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.counts.peakRunning = Math.max(this.counts.peakRunning, this.running);
    try {
      this.counts.rendered += 1;
      return await render();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  private keep(key: string, rendition: CachedRendition): void {
    const bytes = rendition.data.length;
    if (bytes > this.options.maxCacheBytes / 4 || this.done.has(key)) return;
    this.done.set(key, rendition);
    this.cachedBytes += bytes;
    for (const [oldest, old] of this.done) {
      if (this.cachedBytes <= this.options.maxCacheBytes) break;
      this.done.delete(oldest);
      this.cachedBytes -= old.data.length;
    }
  }
}

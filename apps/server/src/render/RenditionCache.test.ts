import { describe, expect, it } from "vitest";
import { type CachedRendition, RenditionCache } from "./RenditionCache.ts";

const rendition = (n: number): CachedRendition => ({
  width: n,
  height: n,
  mediaType: "image/webp",
  data: Buffer.alloc(n),
});

describe("the rendition cache", () => {
  it("tells callers past the queue to come back, and hands slots over in order", async () => {
    const cache = new RenditionCache({ concurrency: 1, maxQueued: 1, maxCacheBytes: 1024 });
    const gates: Array<() => void> = [];
    const slow = (n: number) => () =>
      new Promise<CachedRendition>((resolve) => gates.push(() => resolve(rendition(n))));
    const first = cache.get("a", slow(1));
    const second = cache.get("b", slow(2));
    await expect(cache.get("c", slow(3))).rejects.toMatchObject({
      code: "RATE_LIMITED",
      details: { retryAfterSec: 1 },
    });
    gates.shift()!();
    expect((await first).width).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    gates.shift()!();
    expect((await second).width).toBe(2);
    expect(cache.stats()).toMatchObject({ rendered: 2, peakRunning: 1 });
  });

  it("keeps renditions up to its byte budget, least recently used out first", async () => {
    const cache = new RenditionCache({ concurrency: 2, maxQueued: 4, maxCacheBytes: 1000 });
    for (const key of ["a", "b", "c", "d"]) await cache.get(key, async () => rendition(240));
    await cache.get("a", async () => rendition(240));
    await cache.get("e", async () => rendition(240));
    const rendered = cache.stats().rendered;
    await cache.get("a", async () => rendition(240));
    expect(cache.stats().rendered).toBe(rendered);
    await cache.get("b", async () => rendition(240));
    expect(cache.stats().rendered).toBe(rendered + 1);
    expect(cache.stats().cachedBytes).toBeLessThanOrEqual(1000);
  });
});

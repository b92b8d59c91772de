import sharp from "sharp";
import type { RawImage } from "./decodeImage.ts";

/** Colours are counted on a thumbnail: k-means needs proportions, not detail. */
const SAMPLE_SIDE = 96;
const ITERATIONS = 12;
/** A colour covering less than this share of the image is not dominant. */
const MIN_SHARE = 0.02;

/**
 * Dominant colours as #rrggbb, most common first: k-means in RGB, seeded from the fullest bins
 * of a 4-bit-per-channel histogram so the result is the same on every run.
 */
export async function dominantColours(rgb: RawImage, count = 5): Promise<string[]> {
  const pixels = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize(SAMPLE_SIDE, SAMPLE_SIDE, { fit: "inside", kernel: "linear" })
    .raw()
    .toBuffer();
  const n = pixels.length / 3;
  const centroids = seedCentroids(pixels, count);
  const assignment = new Uint8Array(n);
  const sums = new Float64Array(centroids.length * 4);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    sums.fill(0);
    for (let p = 0; p < n; p++) {
      const r = pixels[p * 3]!;
      const g = pixels[p * 3 + 1]!;
      const b = pixels[p * 3 + 2]!;
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (let k = 0; k < centroids.length; k++) {
        const c = centroids[k]!;
        const distance = (r - c[0]) ** 2 + (g - c[1]) ** 2 + (b - c[2]) ** 2;
        if (distance < bestDistance) {
          bestDistance = distance;
          best = k;
        }
      }
      assignment[p] = best;
      const o = best * 4;
      sums[o] = sums[o]! + r;
      sums[o + 1] = sums[o + 1]! + g;
      sums[o + 2] = sums[o + 2]! + b;
      sums[o + 3] = sums[o + 3]! + 1;
    }
    for (let k = 0; k < centroids.length; k++) {
      const members = sums[k * 4 + 3]!;
      if (members > 0)
        centroids[k] = [sums[k * 4]! / members, sums[k * 4 + 1]! / members, sums[k * 4 + 2]! / members];
    }
  }
  return centroids
    .map((c, k) => ({ c, share: sums[k * 4 + 3]! / n }))
    .filter((entry) => entry.share >= MIN_SHARE)
    .sort((a, b) => b.share - a.share)
    .map((entry) => toHex(entry.c));
}

type Rgb = [number, number, number];

function seedCentroids(pixels: Buffer, count: number): Rgb[] {
  const bins = new Map<number, { count: number; r: number; g: number; b: number }>();
  for (let i = 0; i < pixels.length; i += 3) {
    const r = pixels[i]!;
    const g = pixels[i + 1]!;
    const b = pixels[i + 2]!;
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    const bin = bins.get(key) ?? { count: 0, r: 0, g: 0, b: 0 };
    bin.count++;
    bin.r += r;
    bin.g += g;
    bin.b += b;
    bins.set(key, bin);
  }
  const ranked = [...bins.entries()].sort((a, b) => b[1].count - a[1].count || a[0] - b[0]);
  const seeds: Rgb[] = [];
  // Neighbouring bins of one colour would split it; seeds must be visibly apart.
  for (const minApart of [48, 24, 0]) {
    for (const [, bin] of ranked) {
      if (seeds.length >= count) break;
      const c: Rgb = [bin.r / bin.count, bin.g / bin.count, bin.b / bin.count];
      if (seeds.every((s) => Math.hypot(s[0] - c[0], s[1] - c[1], s[2] - c[2]) > minApart)) seeds.push(c);
    }
  }
  return seeds;
}

function toHex(c: Rgb): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
}

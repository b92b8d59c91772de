/**
 * A palette of k colours found by k-means over a sample of RGBA pixels (transparent pixels
 * ignored), and the nearest-colour mapping. Deterministic: the seeds are spread over the
 * sample by luminance rank, not random.
 */
export function findPalette(pixelSets: readonly Buffer[], k: number, maxSamples = 20000): Uint8Array {
  const samples: number[] = [];
  const total = pixelSets.reduce((sum, px) => sum + px.length / 4, 0);
  const stride = Math.max(1, Math.floor(total / maxSamples));
  for (const px of pixelSets) {
    for (let i = 0; i < px.length; i += 4 * stride) {
      if (px[i + 3]! < 128) continue;
      samples.push(px[i]!, px[i + 1]!, px[i + 2]!);
    }
  }
  const n = samples.length / 3;
  if (n === 0) return new Uint8Array(3);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => luma(samples, a) - luma(samples, b));
  const count = Math.min(k, n);
  const centres = new Float64Array(count * 3);
  for (let c = 0; c < count; c++) {
    const s = order[Math.floor(((c + 0.5) / count) * n)]!;
    centres.set([samples[s * 3]!, samples[s * 3 + 1]!, samples[s * 3 + 2]!], c * 3);
  }
  const assign = new Int32Array(n);
  for (let iteration = 0; iteration < 12; iteration++) {
    const sums = new Float64Array(count * 4);
    for (let i = 0; i < n; i++) {
      const c = nearest(centres, count, samples[i * 3]!, samples[i * 3 + 1]!, samples[i * 3 + 2]!);
      assign[i] = c;
      sums[c * 4]! += samples[i * 3]!;
      sums[c * 4 + 1]! += samples[i * 3 + 1]!;
      sums[c * 4 + 2]! += samples[i * 3 + 2]!;
      sums[c * 4 + 3]! += 1;
    }
    for (let c = 0; c < count; c++) {
      const members = sums[c * 4 + 3]!;
      if (members === 0) continue;
      centres[c * 3] = sums[c * 4]! / members;
      centres[c * 3 + 1] = sums[c * 4 + 1]! / members;
      centres[c * 3 + 2] = sums[c * 4 + 2]! / members;
    }
  }
  return Uint8Array.from(centres, (v) => Math.round(v));
}

function luma(samples: number[], i: number): number {
  return 0.299 * samples[i * 3]! + 0.587 * samples[i * 3 + 1]! + 0.114 * samples[i * 3 + 2]!;
}

export function nearest(palette: ArrayLike<number>, count: number, r: number, g: number, b: number): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < count; c++) {
    const dr = r - palette[c * 3]!;
    const dg = g - palette[c * 3 + 1]!;
    const db = b - palette[c * 3 + 2]!;
    const d = dr * dr + dg * dg + db * db;
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

/** Replaces every pixel's colour by its nearest palette colour, in place; alpha is kept. Memoised per colour. */
export function mapToPalette(pixels: Buffer, palette: Uint8Array): void {
  const count = palette.length / 3;
  const cache = new Map<number, number>();
  for (let i = 0; i < pixels.length; i += 4) {
    const key = (pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!;
    let c = cache.get(key);
    if (c === undefined) {
      c = nearest(palette, count, pixels[i]!, pixels[i + 1]!, pixels[i + 2]!);
      cache.set(key, c);
    }
    pixels[i] = palette[c * 3]!;
    pixels[i + 1] = palette[c * 3 + 1]!;
    pixels[i + 2] = palette[c * 3 + 2]!;
  }
}

export function toHex(palette: Uint8Array): string[] {
  const out: string[] = [];
  for (let c = 0; c < palette.length; c += 3) {
    out.push(
      `#${[palette[c]!, palette[c + 1]!, palette[c + 2]!].map((v) => v.toString(16).padStart(2, "0")).join("")}`,
    );
  }
  return out;
}

import { AppError } from "@atelier/shared";
import { labelComponents } from "../analysis/labelComponents.ts";

/** The subject's outline on a coarse grid, and distances inside and outside it, in cells. */
export interface Silhouette {
  width: number;
  height: number;
  /** 1 inside the subject; rows top to bottom. */
  inside: Uint8Array;
  /** Euclidean distance to the nearest outside cell (0 outside). */
  insideDistance: Float32Array;
  /** Euclidean distance to the nearest inside cell (0 inside). */
  outsideDistance: Float32Array;
  /** Where the grid sits in the source image: grid cell (x, y) = image pixel (left + x·scale, top + y·scale). */
  left: number;
  top: number;
  scale: number;
}

/** Border of empty cells around the subject so its outline never touches the grid's edge. */
const MARGIN = 3;

/**
 * The largest opaque region of an RGBA image (alpha ≥ 128), with its holes filled, on a grid
 * whose longer side has `cells` cells. Throws NO_SUBJECT when nothing is opaque.
 */
export function silhouetteOf(rgba: Uint8Array, width: number, height: number, cells: number): Silhouette {
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if ((rgba[(y * width + x) * 4 + 3] ?? 0) < 128) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  if (maxX < 0) {
    throw new AppError(
      "NO_SUBJECT",
      "The image has no subject to build a figurine from: it is fully transparent.",
      {},
    );
  }
  const scale = Math.max(maxX - minX + 1, maxY - minY + 1) / cells;
  const gw = Math.ceil((maxX - minX + 1) / scale) + 2 * MARGIN;
  const gh = Math.ceil((maxY - minY + 1) / scale) + 2 * MARGIN;
  const left = minX - MARGIN * scale;
  const top = minY - MARGIN * scale;
  // A cell is inside when most of the pixels it covers are opaque.
  const grid = new Uint8Array(gw * gh);
  const step = Math.max(1, Math.floor(scale / 3));
  for (let gy = 0; gy < gh; gy++)
    for (let gx = 0; gx < gw; gx++) {
      let opaque = 0;
      let total = 0;
      for (let py = top + gy * scale; py < top + (gy + 1) * scale; py += step)
        for (let px = left + gx * scale; px < left + (gx + 1) * scale; px += step) {
          total++;
          const ix = Math.floor(px);
          const iy = Math.floor(py);
          if (ix < 0 || iy < 0 || ix >= width || iy >= height) continue;
          if ((rgba[(iy * width + ix) * 4 + 3] ?? 0) >= 128) opaque++;
        }
      grid[gy * gw + gx] = total > 0 && opaque * 2 >= total ? 1 : 0;
    }
  const inside = fillHoles(largestComponent(grid, gw, gh), gw, gh);
  if (!inside.includes(1)) {
    throw new AppError("NO_SUBJECT", "The subject is too small to build a figurine from.", { width, height });
  }
  const outside = inside.map((v) => 1 - v);
  return {
    width: gw,
    height: gh,
    inside,
    insideDistance: distanceTransform(inside, gw, gh),
    outsideDistance: distanceTransform(outside, gw, gh),
    left,
    top,
    scale,
  };
}

function largestComponent(grid: Uint8Array, width: number, height: number): Uint8Array {
  const components = labelComponents(grid, width, height);
  const largest = components.reduce<(typeof components)[number] | undefined>(
    (best, c) => (!best || c.pixels.length > best.pixels.length ? c : best),
    undefined,
  );
  const out = new Uint8Array(grid.length);
  for (const i of largest?.pixels ?? []) out[i] = 1;
  return out;
}

/** Cells not reachable from the border through empty cells are holes: a figurine is solid. */
function fillHoles(grid: Uint8Array, width: number, height: number): Uint8Array {
  const reached = new Uint8Array(grid.length);
  const stack: number[] = [];
  for (let x = 0; x < width; x++) stack.push(x, (height - 1) * width + x);
  for (let y = 0; y < height; y++) stack.push(y * width, y * width + width - 1);
  while (stack.length > 0) {
    const i = stack.pop() ?? 0;
    if (reached[i] || grid[i]) continue;
    reached[i] = 1;
    const x = i % width;
    if (x > 0) stack.push(i - 1);
    if (x < width - 1) stack.push(i + 1);
    if (i >= width) stack.push(i - width);
    if (i < grid.length - width) stack.push(i + width);
  }
  return reached.map((r) => 1 - r);
}

/**
 * Exact Euclidean distance from each cell to the nearest cell where `grid` is 0 (Felzenszwalb and
 * Huttenlocher's two-pass lower envelope of parabolas).
 */
export function distanceTransform(grid: Uint8Array, width: number, height: number): Float32Array {
  const INF = 1e20;
  const f = new Float64Array(width * height);
  for (let i = 0; i < f.length; i++) f[i] = grid[i] ? INF : 0;
  const line = new Float64Array(Math.max(width, height));
  const out = new Float64Array(Math.max(width, height));
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) line[y] = f[y * width + x] ?? 0;
    envelope(line, height, out);
    for (let y = 0; y < height; y++) f[y * width + x] = out[y] ?? 0;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) line[x] = f[y * width + x] ?? 0;
    envelope(line, width, out);
    for (let x = 0; x < width; x++) f[y * width + x] = out[x] ?? 0;
  }
  return Float32Array.from(f, Math.sqrt);
}

function envelope(f: Float64Array, n: number, d: Float64Array): void {
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s: number;
    for (;;) {
      const p = v[k] ?? 0;
      s = ((f[q] ?? 0) + q * q - ((f[p] ?? 0) + p * p)) / (2 * q - 2 * p);
      if (s > (z[k] ?? 0) || k === 0) break;
      k--;
    }
    if (s <= (z[k] ?? 0) && k === 0) {
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while ((z[k + 1] ?? Infinity) < q) k++;
    const p = v[k] ?? 0;
    d[q] = (q - p) * (q - p) + (f[p] ?? 0);
  }
}

/** Bilinear sample of a grid at fractional cell coordinates (cell centres at integer + 0.5); 0 off the grid. */
export function sampleGrid(
  values: Float32Array,
  width: number,
  height: number,
  x: number,
  y: number,
): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const tx = fx - x0;
  const ty = fy - y0;
  const at = (xx: number, yy: number) => {
    const cx = Math.min(width - 1, Math.max(0, xx));
    const cy = Math.min(height - 1, Math.max(0, yy));
    return values[cy * width + cx] ?? 0;
  };
  const top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * tx;
  const bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * tx;
  return top + (bottom - top) * ty;
}

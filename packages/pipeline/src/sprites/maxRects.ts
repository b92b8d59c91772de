/**
 * MaxRects bin packing (Jylänki, "A Thousand Ways to Pack the Bin", best-short-side-fit):
 * the bin keeps every maximal free rectangle; each placement splits the free rectangles it
 * overlaps and drops those contained in others.
 */
export interface FreeRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
  rotated: boolean;
}

export class MaxRectsBin {
  private free: FreeRect[];

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly allowRotation: boolean,
  ) {
    this.free = [{ x: 0, y: 0, width, height }];
  }

  /** Places a width x height item (rotated 90° when that fits better and is allowed); null when it fits nowhere. */
  insert(width: number, height: number): Placed | null {
    let best: Placed | null = null;
    let bestShort = Number.POSITIVE_INFINITY;
    let bestLong = Number.POSITIVE_INFINITY;
    for (const rect of this.free) {
      for (const rotated of this.allowRotation && width !== height ? [false, true] : [false]) {
        const w = rotated ? height : width;
        const h = rotated ? width : height;
        if (w > rect.width || h > rect.height) continue;
        const leftoverX = rect.width - w;
        const leftoverY = rect.height - h;
        const short = Math.min(leftoverX, leftoverY);
        const long = Math.max(leftoverX, leftoverY);
        if (short < bestShort || (short === bestShort && long < bestLong)) {
          best = { x: rect.x, y: rect.y, width: w, height: h, rotated };
          bestShort = short;
          bestLong = long;
        }
      }
    }
    if (best) this.place(best);
    return best;
  }

  private place(used: FreeRect): void {
    const next: FreeRect[] = [];
    for (const rect of this.free) {
      if (!overlaps(rect, used)) {
        next.push(rect);
        continue;
      }
      if (used.x > rect.x) next.push({ x: rect.x, y: rect.y, width: used.x - rect.x, height: rect.height });
      if (used.x + used.width < rect.x + rect.width) {
        next.push({
          x: used.x + used.width,
          y: rect.y,
          width: rect.x + rect.width - used.x - used.width,
          height: rect.height,
        });
      }
      if (used.y > rect.y) next.push({ x: rect.x, y: rect.y, width: rect.width, height: used.y - rect.y });
      if (used.y + used.height < rect.y + rect.height) {
        next.push({
          x: rect.x,
          y: used.y + used.height,
          width: rect.width,
          height: rect.y + rect.height - used.y - used.height,
        });
      }
    }
    this.free = next.filter(
      (rect, i) =>
        !next.some((other, j) => j !== i && contains(other, rect) && (!contains(rect, other) || j < i)),
    );
  }
}

function overlaps(a: FreeRect, b: FreeRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function contains(outer: FreeRect, inner: FreeRect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

export interface PackOptions {
  maxSize: number;
  padding: number;
  allowRotation: boolean;
  powerOfTwo: boolean;
}

export interface PackResult {
  width: number;
  height: number;
  /** In the order of the items given. */
  placements: Placed[];
}

/**
 * Packs the items into the smallest atlas it finds: candidate sizes grow from the total
 * area until everything fits or the size limit is passed. Padding separates items (not the
 * atlas border). Returns null when the items cannot fit within maxSize.
 */
export function packRects(
  items: ReadonlyArray<{ width: number; height: number }>,
  opts: PackOptions,
): PackResult | null {
  const pad = opts.padding;
  const order = items.map((_, i) => i).sort((a, b) => maxSide(items[b]!) - maxSide(items[a]!) || b - a);
  const area = items.reduce((sum, it) => sum + (it.width + pad) * (it.height + pad), 0);
  const widest = Math.max(
    ...items.map((it) => (opts.allowRotation ? Math.min(it.width, it.height) : it.width)),
  );
  const tallest = Math.max(
    ...items.map((it) => (opts.allowRotation ? Math.min(it.width, it.height) : it.height)),
  );
  for (const [width, height] of candidateSizes(area, widest, tallest, opts)) {
    const bin = new MaxRectsBin(width + pad, height + pad, opts.allowRotation);
    const placements: Placed[] = new Array(items.length);
    let ok = true;
    for (const i of order) {
      const placed = bin.insert(items[i]!.width + pad, items[i]!.height + pad);
      if (!placed) {
        ok = false;
        break;
      }
      placements[i] = { ...placed, width: placed.width - pad, height: placed.height - pad };
    }
    if (!ok) continue;
    if (opts.powerOfTwo) return { width, height, placements };
    const usedWidth = Math.max(...placements.map((p) => p.x + p.width));
    const usedHeight = Math.max(...placements.map((p) => p.y + p.height));
    return { width: usedWidth, height: usedHeight, placements };
  }
  return null;
}

function maxSide(it: { width: number; height: number }): number {
  return Math.max(it.width, it.height);
}

function* candidateSizes(
  area: number,
  widest: number,
  tallest: number,
  opts: PackOptions,
): Generator<[number, number]> {
  const sizes: Array<[number, number]> = [];
  const steps: number[] = [];
  if (opts.powerOfTwo) {
    for (let s = 1; s <= opts.maxSize; s *= 2) steps.push(s);
  } else {
    for (let s = 16; s < opts.maxSize; s = Math.ceil(s * 1.08)) steps.push(s);
    steps.push(opts.maxSize);
  }
  for (const w of steps) {
    for (const h of steps) {
      if (w >= widest && h >= tallest && w * h >= area && Math.max(w / h, h / w) <= 4) sizes.push([w, h]);
    }
  }
  sizes.sort((a, b) => a[0] * a[1] - b[0] * b[1] || Math.abs(a[0] - a[1]) - Math.abs(b[0] - b[1]));
  yield* sizes;
}

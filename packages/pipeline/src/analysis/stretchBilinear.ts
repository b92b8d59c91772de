import { SliceTimer } from "./yieldToEventLoop.ts";

/**
 * Stretches interleaved 8-bit pixels to a new size with corner-aligned bilinear sampling
 * (source = destination * scale), the sampling the ISNet weights were used with by
 * @imgly/background-removal; sharp samples pixel centres, which shifts soft mask edges enough to
 * flip pixels on low-contrast images. Values are rounded to integers as there.
 */
export function stretchBilinear(
  src: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  channels: number,
  width: number,
  height: number,
): Uint8Array {
  const stretch = new Stretch(src, srcWidth, srcHeight, channels, width, height);
  stretch.rows(0, height);
  return stretch.out;
}

/** stretchBilinear with the event loop let in every few milliseconds (same bytes). */
export async function stretchBilinearYielding(
  src: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  channels: number,
  width: number,
  height: number,
): Promise<Uint8Array> {
  const stretch = new Stretch(src, srcWidth, srcHeight, channels, width, height);
  const timer = new SliceTimer();
  for (let y = 0; y < height; y++) {
    if (timer.due()) await timer.yield();
    stretch.rows(y, y + 1);
  }
  return stretch.out;
}

class Stretch {
  readonly out: Uint8Array;
  private readonly scaleY: number;
  private readonly x1s: Int32Array;
  private readonly x2s: Int32Array;
  private readonly dxs: Float32Array;

  constructor(
    private readonly src: Uint8Array,
    private readonly srcWidth: number,
    private readonly srcHeight: number,
    private readonly channels: number,
    private readonly width: number,
    height: number,
  ) {
    this.out = new Uint8Array(width * height * channels);
    const scaleX = srcWidth / width;
    this.scaleY = srcHeight / height;
    this.x1s = new Int32Array(width);
    this.x2s = new Int32Array(width);
    this.dxs = new Float32Array(width);
    for (let x = 0; x < width; x++) {
      const sx = x * scaleX;
      this.x1s[x] = Math.floor(sx);
      this.x2s[x] = Math.min(Math.ceil(sx), srcWidth - 1);
      this.dxs[x] = sx - Math.floor(sx);
    }
  }

  rows(from: number, to: number): void {
    const { src, srcWidth, srcHeight, channels, width, out, x1s, x2s, dxs, scaleY } = this;
    for (let y = from; y < to; y++) {
      const sy = y * scaleY;
      const y1 = Math.floor(sy);
      const y2 = Math.min(Math.ceil(sy), srcHeight - 1);
      const dy = sy - y1;
      const row1 = y1 * srcWidth;
      const row2 = y2 * srcWidth;
      let o = y * width * channels;
      for (let x = 0; x < width; x++) {
        const dx = dxs[x]!;
        const a = (row1 + x1s[x]!) * channels;
        const b = (row1 + x2s[x]!) * channels;
        const c = (row2 + x1s[x]!) * channels;
        const d = (row2 + x2s[x]!) * channels;
        for (let ch = 0; ch < channels; ch++, o++) {
          const top = src[a + ch]! + (src[b + ch]! - src[a + ch]!) * dx;
          const bottom = src[c + ch]! + (src[d + ch]! - src[c + ch]!) * dx;
          out[o] = Math.round(top + (bottom - top) * dy);
        }
      }
    }
  }
}

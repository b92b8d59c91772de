import sharp from "sharp";
import { z } from "zod";
import { findPalette, mapToPalette } from "../colour/palette.ts";
import {
  decodeRgba,
  openArtifact,
  type RawImage,
  rawToSharp,
  throwIfAborted,
  toArtifact,
} from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { defineStep } from "../step.ts";

export const cartoonizeParams = z
  .object({
    /** Number of flat colours. */
    colours: z.number().int().min(2).max(48).default(10),
    /** Median window of the smoothing passes; larger is flatter. */
    smoothing: z.number().int().min(1).max(15).default(7),
    /** Edge strength above which a dark line is drawn (0..255 of the Sobel magnitude). */
    edgeThreshold: z.number().min(1).max(255).default(48),
    /** Line thickness in pixels. */
    lineWidth: z.number().int().min(1).max(5).default(2),
    lineColour: z
      .string()
      .max(7)
      .regex(/^#[0-9a-fA-F]{6}$/)
      .default("#1a1a1a"),
  })
  .strict();

export const cartoonizeStep = defineStep({
  name: "cartoonize",
  description: "Flat colours and dark outlines: edge-preserving smoothing, colour quantization, edge lines.",
  params: cartoonizeParams,
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  price: { perRun: 2 },
  expectedMs: 1500,
  models: [],
  run: (ctx) =>
    perImage(ctx, async (input, progress) => {
      const p = ctx.params;
      const source = await decodeRgba(await openArtifact(input, ctx.env));
      progress(0.1, "smoothing");
      const smooth = await smoothKeepingEdges(source, p.smoothing);
      throwIfAborted(ctx.signal);
      progress(0.4, "finding colours");
      const palette = findPalette([smooth.data], p.colours);
      const flat = Buffer.from(smooth.data);
      mapToPalette(flat, palette);
      throwIfAborted(ctx.signal);
      progress(0.7, "drawing outlines");
      const lines = edgeMask(smooth, p.edgeThreshold, p.lineWidth);
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(p.lineColour.slice(i, i + 2), 16));
      for (let i = 0; i < lines.length; i++) {
        if (lines[i] && flat[i * 4 + 3]! > 0) {
          flat[i * 4] = r!;
          flat[i * 4 + 1] = g!;
          flat[i * 4 + 2] = b!;
        }
      }
      const image = rawToSharp({ ...source, data: flat });
      const out = await toArtifact("cartoon", image, "png");
      await ctx.preview(out.data);
      progress(1);
      return { images: [out] };
    }),
});

/**
 * Median passes flatten texture while keeping strong edges; the colour channels are
 * smoothed and alpha is carried over untouched so cutouts keep their outline.
 */
async function smoothKeepingEdges(source: RawImage, window: number): Promise<RawImage> {
  const size = window % 2 === 1 ? window : window + 1;
  const raw = { width: source.width, height: source.height, channels: 4 as const };
  const rgb = await sharp(source.data, { raw }).removeAlpha().median(size).median(size).raw().toBuffer();
  const data = Buffer.alloc(source.data.length);
  for (let i = 0, j = 0; i < data.length; i += 4, j += 3) {
    data[i] = rgb[j]!;
    data[i + 1] = rgb[j + 1]!;
    data[i + 2] = rgb[j + 2]!;
    data[i + 3] = source.data[i + 3]!;
  }
  return { ...source, data };
}

/** Sobel magnitude of luminance (alpha edges included), thresholded and dilated to `width`. */
function edgeMask(image: RawImage, threshold: number, width: number): Uint8Array {
  const { width: w, height: h, data } = image;
  const lum = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const a = data[i * 4 + 3]! / 255;
    lum[i] = (0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!) * a;
  }
  const edges = new Uint8Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx =
        lum[i - w + 1]! +
        2 * lum[i + 1]! +
        lum[i + w + 1]! -
        lum[i - w - 1]! -
        2 * lum[i - 1]! -
        lum[i + w - 1]!;
      const gy =
        lum[i + w - 1]! +
        2 * lum[i + w]! +
        lum[i + w + 1]! -
        lum[i - w - 1]! -
        2 * lum[i - w]! -
        lum[i - w + 1]!;
      if (Math.hypot(gx, gy) / 4 > threshold) edges[i] = 1;
    }
  }
  if (width <= 1) return edges;
  const grown = new Uint8Array(w * h);
  const reach = width - 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!edges[y * w + x]) continue;
      for (let dy = 0; dy <= reach; dy++) {
        for (let dx = 0; dx <= reach; dx++) {
          if (y + dy < h && x + dx < w) grown[(y + dy) * w + x + dx] = 1;
        }
      }
    }
  }
  return grown;
}

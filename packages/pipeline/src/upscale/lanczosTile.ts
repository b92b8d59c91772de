import sharp from "sharp";
import type { RawImage } from "../imageIo.ts";
import { cropRaw } from "../sprites/trimFrame.ts";
import { type Tile, withMargin } from "./tiles.ts";

/** Lanczos3 reaches 3 source pixels; a few more keep tile seams invisible. */
const margin = 6;

/** Upscales one tile of the source by an integer factor, with context from its neighbours. */
export async function lanczosTile(source: RawImage, tile: Tile, scale: number): Promise<RawImage> {
  const context = withMargin(tile, margin, source.width, source.height);
  const region = cropRaw(source, context);
  const big = await sharp(region.data, { raw: { width: region.width, height: region.height, channels: 4 } })
    .resize(region.width * scale, region.height * scale, { kernel: "lanczos3", fit: "fill" })
    .raw()
    .toBuffer();
  return cropRaw(
    { data: big, width: region.width * scale, height: region.height * scale, channels: 4 },
    {
      x: (tile.x - context.x) * scale,
      y: (tile.y - context.y) * scale,
      width: tile.width * scale,
      height: tile.height * scale,
    },
  );
}

import sharp, { type Sharp } from "sharp";
import type { CropPlan } from "@atelier/shared";
import type { RawImage } from "./imageIo.ts";

/** "edge" repeats the outermost pixels: seamless on plain or gradient backdrops, streaky on photos. */
export type CanvasFill =
  | { kind: "blur" }
  | { kind: "solid"; colour: string }
  | { kind: "mirror" }
  | { kind: "edge" };

/**
 * Renders a crop plan of a decoded image at exactly width x height. Regions inside the image
 * are a plain extract + resize; regions past its edges place the scaled image part on a
 * canvas filled by `fill`.
 */
export async function fitToFormat(
  source: RawImage,
  plan: CropPlan,
  width: number,
  height: number,
  fill: CanvasFill,
): Promise<Sharp> {
  const base = () => sharp(source.data, { raw: { width: source.width, height: source.height, channels: 4 } });
  const { region } = plan;
  const scale = width / region.width;

  const x0 = Math.max(0, Math.floor(region.x + 1e-6));
  const y0 = Math.max(0, Math.floor(region.y + 1e-6));
  const x1 = Math.min(source.width, Math.ceil(region.x + region.width - 1e-6));
  const y1 = Math.min(source.height, Math.ceil(region.y + region.height - 1e-6));

  if (!plan.extended) {
    return base()
      .extract({ left: x0, top: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) })
      .resize(width, height, { fit: "fill", kernel: "lanczos3" });
  }

  const left = clampInt(Math.round((x0 - region.x) * scale), 0, width - 1);
  const top = clampInt(Math.round((y0 - region.y) * scale), 0, height - 1);
  const right = clampInt(Math.round((x1 - region.x) * scale), left + 1, width);
  const bottom = clampInt(Math.round((y1 - region.y) * scale), top + 1, height);
  const part = base()
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .resize(right - left, bottom - top, { fit: "fill", kernel: "lanczos3" });
  const margins = { top, left, bottom: height - bottom, right: width - right };

  if (fill.kind === "solid")
    return part.extend({ ...margins, extendWith: "background", background: fill.colour });
  if (fill.kind === "mirror") return part.extend({ ...margins, extendWith: "mirror" });
  if (fill.kind === "edge") return part.extend({ ...margins, extendWith: "copy" });
  const [background, scaledPart] = await Promise.all([
    blurredCover(source, width, height),
    part.raw().toBuffer({ resolveWithObject: true }),
  ]);
  return sharp(background, { raw: { width, height, channels: 4 } }).composite([
    {
      input: scaledPart.data,
      raw: { width: scaledPart.info.width, height: scaledPart.info.height, channels: 4 },
      left,
      top,
    },
  ]);
}

function clampInt(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/**
 * The picture scaled to cover the canvas, blurred and dimmed. Blurred at an eighth of the
 * size and scaled back up: a large-sigma blur at full size costs hundreds of milliseconds
 * and looks the same.
 */
async function blurredCover(source: RawImage, width: number, height: number): Promise<Buffer> {
  const small = { width: Math.max(8, Math.round(width / 8)), height: Math.max(8, Math.round(height / 8)) };
  const blurred = await sharp(source.data, {
    raw: { width: source.width, height: source.height, channels: 4 },
  })
    .resize(small.width, small.height, { fit: "cover" })
    .blur(Math.max(1, Math.max(small.width, small.height) / 40))
    .modulate({ brightness: 0.85 })
    .raw()
    .toBuffer();
  return sharp(blurred, { raw: { width: small.width, height: small.height, channels: 4 } })
    .resize(width, height, { fit: "fill", kernel: "cubic" })
    .raw()
    .toBuffer();
}

import sharp from "sharp";

export const previewMaxSide = 512;
export const previewMaxBytes = 64 * 1024;

export interface Preview {
  data: Buffer;
  mediaType: "image/webp";
  width: number;
  height: number;
}

const qualities = [80, 65, 50, 35, 20];

/**
 * A WebP of at most 512 px per side and 64 KiB: quality drops first, then the size, until it
 * fits. Noise-like images may need both.
 */
export async function shrinkPreview(image: Buffer, maxInputPixels: number): Promise<Preview> {
  for (let side = previewMaxSide; side >= 64; side = Math.floor(side * 0.7)) {
    const resized = await sharp(image, { limitInputPixels: maxInputPixels, failOn: "error" })
      .rotate()
      .resize(side, side, { fit: "inside", withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { width: resized.info.width, height: resized.info.height, channels: resized.info.channels };
    for (const quality of qualities) {
      const { data, info } = await sharp(resized.data, { raw })
        .webp({ quality, effort: 2 })
        .toBuffer({ resolveWithObject: true });
      if (data.length <= previewMaxBytes)
        return { data, mediaType: "image/webp", width: info.width, height: info.height };
    }
  }
  const { data, info } = await sharp(image, { limitInputPixels: maxInputPixels })
    .resize(64, 64, { fit: "inside" })
    .webp({ quality: 10 })
    .toBuffer({ resolveWithObject: true });
  return { data, mediaType: "image/webp", width: info.width, height: info.height };
}

/** Longest side of an output's list thumbnail. */
export const thumbnailMaxSide = 320;

/**
 * A WebP of at most 320 px for an image output, so lists never load the full-size image; null for
 * files that are not images, or images that cannot be read (only the thumbnail is lost).
 */
export async function outputThumbnail(
  artifact: { mediaType: string; data: Buffer },
  maxInputPixels: number,
): Promise<Buffer | null> {
  if (!artifact.mediaType.startsWith("image/")) return null;
  return sharp(artifact.data, { limitInputPixels: maxInputPixels, failOn: "error" })
    .resize(thumbnailMaxSide, thumbnailMaxSide, { fit: "inside", withoutEnlargement: true })
    .webp({ quality: 75, effort: 2 })
    .toBuffer()
    .catch(() => null);
}

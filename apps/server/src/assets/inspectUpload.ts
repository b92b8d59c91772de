import { createHash } from "node:crypto";
import { decodeGuarded, mediaTypeOf, openUntrusted } from "@atelier/pipeline";

export interface InspectedImage {
  mediaType: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  /** Re-encoded, metadata-free WebP of the whole image: what is served, never the uploaded bytes. */
  display: Buffer;
  /** WebP at most 320 px on the long side, for grids. */
  thumbnail: Buffer;
  /** The thumbnail blurred past recognition, shown while the upload is held for review. */
  blurredThumbnail: Buffer;
}

/**
 * Checks uploaded bytes before an asset becomes ready (signature, header dimensions under the pixel limit,
 * a full decode that fails on any warning) and re-encodes what will be served. Throws a coded AppError.
 */
export async function inspectUpload(bytes: Buffer, opts: { maxPixels: number }): Promise<InspectedImage> {
  const opened = await openUntrusted(bytes, { maxInputPixels: opts.maxPixels });
  const oriented = opened.image.rotate();
  const [display, thumbnail, blurredThumbnail] = await decodeGuarded(
    () =>
      Promise.all([
        oriented.clone().webp({ quality: 90 }).toBuffer({ resolveWithObject: true }),
        oriented
          .clone()
          .resize(320, 320, { fit: "inside", withoutEnlargement: true })
          .webp({ quality: 80 })
          .toBuffer(),
        // Shrunk to 16 px first, so no detail survives to be un-blurred.
        oriented
          .clone()
          .resize(16, 16, { fit: "inside" })
          .resize(320, 320, { fit: "inside", kernel: "cubic" })
          .blur(12)
          .webp({ quality: 60 })
          .toBuffer(),
      ]),
    opened.kind,
  );
  return {
    mediaType: mediaTypeOf(opened.kind),
    width: display.info.width,
    height: display.info.height,
    bytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    display: display.data,
    thumbnail,
    blurredThumbnail,
  };
}

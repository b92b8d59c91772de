import { AppError } from "@atelier/shared";
import sharp, { type Metadata, type Sharp, type SharpOptions } from "sharp";

/**
 * Loaders untrusted bytes must never reach. Blocked for the whole process as soon as the
 * pipeline is imported. SVG stays enabled on purpose: text-overlay and backdrop render
 * SVG that this package writes itself; untrusted bytes cannot reach the SVG loader because
 * `openUntrusted` admits only the magic numbers below and then checks that libvips picked
 * the same loader.
 */
export const blockedLoaders = [
  "VipsForeignLoadMagick",
  "VipsForeignLoadPdf",
  "VipsForeignLoadVips",
  "VipsForeignLoadOpenslide",
  "VipsForeignLoadFits",
  "VipsForeignLoadMatrix",
  "VipsForeignLoadCsv",
  "VipsForeignLoadRaw",
  "VipsForeignLoadAnalyze",
  "VipsForeignLoadPpm",
  "VipsForeignLoadRad",
  "VipsForeignLoadTiff",
  "VipsForeignLoadJp2k",
  "VipsForeignLoadJxl",
] as const;

sharp.block({ operation: [...blockedLoaders] });

export type ImageKind = "png" | "jpeg" | "webp" | "gif" | "avif";

const mediaTypeOfKind: Record<ImageKind, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  avif: "image/avif",
};

/** What the file's first bytes say it is, whatever its name or Content-Type claim. */
export function sniffImageKind(bytes: Buffer): ImageKind | null {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) {
    return "png";
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (
    bytes.length >= 12 &&
    bytes.toString("latin1", 0, 4) === "RIFF" &&
    bytes.toString("latin1", 8, 12) === "WEBP"
  ) {
    return "webp";
  }
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.toString("latin1", 0, 6))) return "gif";
  if (bytes.length >= 12 && bytes.toString("latin1", 4, 8) === "ftyp") {
    const brand = bytes.toString("latin1", 8, 12);
    if (brand === "avif" || brand === "avis") return "avif";
  }
  return null;
}

export function mediaTypeOf(kind: ImageKind): string {
  return mediaTypeOfKind[kind];
}

/** libvips names the loader it used; these are the ones each kind may use. */
const loaderFormats: Record<ImageKind, string[]> = {
  png: ["png"],
  jpeg: ["jpeg"],
  webp: ["webp"],
  gif: ["gif"],
  avif: ["heif"],
};

export interface OpenedImage {
  image: Sharp;
  kind: ImageKind;
  width: number;
  /** Height of one page for animated inputs. */
  height: number;
  pages: number;
  hasAlpha: boolean;
}

export interface OpenOptions {
  maxInputPixels: number;
  /** Read every page of an animated GIF/WebP (pages stacked vertically). */
  animated?: boolean;
}

/**
 * The one way bytes from outside are decoded: signature check, pixel limit from the header
 * before any pixel is decoded, `failOn: 'warning'` so damaged files fail instead of half
 * decoding, and every libvips failure mapped to a code a person can act on.
 */
export async function openUntrusted(bytes: Buffer, opts: OpenOptions): Promise<OpenedImage> {
  if (bytes.length === 0) throw new AppError("EMPTY_FILE", "The file is empty.", {});
  const kind = sniffImageKind(bytes);
  if (!kind) {
    throw new AppError("UNSUPPORTED_MEDIA", "This file is not a PNG, JPEG, WebP, GIF or AVIF image.", {
      firstBytes: bytes.subarray(0, 8).toString("hex"),
    });
  }
  const sharpOptions: SharpOptions = {
    failOn: "warning",
    limitInputPixels: opts.maxInputPixels,
    ...(opts.animated ? { pages: -1 } : {}),
  };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { ...sharpOptions, limitInputPixels: false }).metadata();
  } catch (err) {
    throw mapSharpError(err, kind);
  }
  if (!meta.format || !loaderFormats[kind].includes(meta.format)) {
    throw new AppError("UNSUPPORTED_MEDIA", "The file's contents do not match its image signature.", {
      signature: kind,
      decodedAs: meta.format ?? null,
    });
  }
  const width = meta.width ?? 0;
  const pageHeight = meta.pageHeight ?? meta.height ?? 0;
  const pages = opts.animated ? (meta.pages ?? 1) : 1;
  if (width <= 0 || pageHeight <= 0) {
    throw new AppError("CORRUPT_IMAGE", "The image has no pixels.", { width, height: pageHeight });
  }
  if (width * pageHeight * pages > opts.maxInputPixels) {
    throw new AppError(
      "IMAGE_TOO_LARGE",
      `The image is ${width}x${pageHeight} pixels; the limit is ${opts.maxInputPixels.toLocaleString("en")} pixels.`,
      { width, height: pageHeight, pages, maxInputPixels: opts.maxInputPixels },
    );
  }
  return {
    image: sharp(bytes, sharpOptions),
    kind,
    width,
    height: pageHeight,
    pages,
    hasAlpha: meta.hasAlpha ?? false,
  };
}

/** Runs a sharp pipeline built on untrusted input, turning decode failures into AppErrors. */
export async function decodeGuarded<T>(work: () => Promise<T>, kind?: ImageKind): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw mapSharpError(err, kind);
  }
}

export function mapSharpError(err: unknown, kind?: ImageKind): AppError {
  if (err instanceof AppError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(reason)) {
    return new AppError(
      "IMAGE_TOO_LARGE",
      "The image has more pixels than allowed.",
      { reason },
      { cause: err },
    );
  }
  if (/unsupported image format|not a known file format|is blocked|operation is blocked/i.test(reason)) {
    return new AppError(
      "UNSUPPORTED_MEDIA",
      "This image format is not accepted.",
      { reason },
      { cause: err },
    );
  }
  return new AppError(
    "CORRUPT_IMAGE",
    `The ${kind ?? "image"} file is damaged or incomplete and cannot be read.`,
    { reason },
    { cause: err },
  );
}

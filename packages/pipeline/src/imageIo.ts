import { AppError, type ExportFormat, mediaTypeOfFormat } from "@atelier/shared";
import sharp, { type Sharp } from "sharp";
import { decodeGuarded, type OpenedImage, openUntrusted } from "./sharpInput.ts";
import type { Artifact, PipelineEnv } from "./step.ts";

/** Every step decodes its inputs through the untrusted path: outputs of earlier steps get no free pass. */
export function openArtifact(
  artifact: Artifact,
  env: Pick<PipelineEnv, "maxInputPixels">,
  opts: { animated?: boolean } = {},
): Promise<OpenedImage> {
  return openUntrusted(artifact.data, { maxInputPixels: env.maxInputPixels, animated: opts.animated });
}

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 4;
}

/** Fully decodes to 8-bit sRGB RGBA; decode failures (truncated files) surface here as CORRUPT_IMAGE. */
export async function decodeRgba(opened: OpenedImage): Promise<RawImage> {
  const { data, info } = await decodeGuarded(
    () =>
      opened.image
        .clone()
        .rotate()
        .toColourspace("srgb")
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true }),
    opened.kind,
  );
  return { data, width: info.width, height: info.height, channels: 4 };
}

export function rawToSharp(raw: RawImage): Sharp {
  return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } });
}

/** The encodings steps write; the same list an edited asset can be exported in. */
export type OutputFormat = ExportFormat;

export { extensionOfMediaType } from "@atelier/shared";

export function encodeAs(image: Sharp, format: OutputFormat, quality?: number): Sharp {
  switch (format) {
    case "png":
      return image.png();
    case "jpeg":
      return image.flatten({ background: "#ffffff" }).jpeg({ quality: quality ?? 88, mozjpeg: false });
    case "webp":
      return image.webp({ quality: quality ?? 85 });
    case "avif":
      return image.avif({ quality: quality ?? 60, effort: 2 });
  }
}

/** Encodes a sharp pipeline into an artifact, recording the real output size. */
export async function toArtifact(
  name: string,
  image: Sharp,
  format: OutputFormat,
  opts: { quality?: number; meta?: Record<string, unknown> } = {},
): Promise<Artifact> {
  const { data, info } = await decodeGuarded(() =>
    encodeAs(image, format, opts.quality).toBuffer({ resolveWithObject: true }),
  );
  return {
    name,
    mediaType: mediaTypeOfFormat[format],
    data,
    width: info.width,
    height: info.height,
    ...(opts.meta ? { meta: opts.meta } : {}),
  };
}

/** Outputs of a step keep the name of the asset they came from, so callers can name files after it. */
export function sourceOf(input: Artifact): string {
  const source = input.meta?.source;
  return typeof source === "string" ? source : input.name;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AppError("CANCELLED", "The work was cancelled.", {});
}

import { AppError } from "@atelier/shared";
import sharp, { type Sharp } from "sharp";
import type { PipelineEnv } from "../step.ts";

export interface RawImage {
  /** Interleaved 8-bit pixels, `channels` per pixel, rows top to bottom. */
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

/** A sharp pipeline for untrusted bytes: pixel limit from the plan, warnings are failures. */
export function openImage(image: Buffer, env: Pick<PipelineEnv, "maxInputPixels">): Sharp {
  if (image.length === 0) throw new AppError("EMPTY_FILE", "The image file is empty.", {});
  return sharp(image, { limitInputPixels: env.maxInputPixels, failOn: "warning" }).autoOrient();
}

/**
 * Decodes to 8-bit sRGB (3 channels), upright; transparent parts are laid on white (their
 * hidden colour is arbitrary and would mislead the models). Bad input becomes a coded AppError.
 */
export async function decodeRgb(image: Buffer, env: Pick<PipelineEnv, "maxInputPixels">): Promise<RawImage> {
  try {
    const { data, info } = await openImage(image, env)
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw imageError(err, env);
  }
}

/** Maps sharp's failures on input to the codes a user can act on. */
export function imageError(err: unknown, env: Pick<PipelineEnv, "maxInputPixels">): AppError {
  if (err instanceof AppError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  if (/exceeds pixel limit/i.test(reason)) {
    return new AppError("IMAGE_TOO_LARGE", `The image has more than ${env.maxInputPixels} pixels.`, {
      maxInputPixels: env.maxInputPixels,
    });
  }
  if (/unsupported image format/i.test(reason)) {
    return new AppError("UNSUPPORTED_MEDIA", "The file is not an image format we can read.", { reason });
  }
  return new AppError("CORRUPT_IMAGE", "The image is damaged or incomplete; upload it again.", { reason });
}

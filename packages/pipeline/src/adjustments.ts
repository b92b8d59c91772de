import type { Sharp } from "sharp";
import { z } from "zod";

/** Colour and detail adjustments; 1 (or 0 for hue, sharpen, blur) leaves the image as it is. */
export const adjustmentsSchema = z.object({
  /** Multiplier of lightness. */
  brightness: z.number().min(0).max(4).default(1),
  /** Multiplier of distance from mid-grey. */
  contrast: z.number().min(0).max(4).default(1),
  saturation: z.number().min(0).max(4).default(1),
  /** Hue rotation in degrees. */
  hue: z.number().min(-360).max(360).default(0),
  /** Sharpening sigma; 0 is off. */
  sharpen: z.number().min(0).max(10).default(0),
  /** Gaussian blur sigma; 0 is off. */
  blur: z.number().min(0).max(100).default(0),
});
export type Adjustments = z.infer<typeof adjustmentsSchema>;
export type AdjustmentsInput = z.input<typeof adjustmentsSchema>;

export function isIdentity(adj: Adjustments): boolean {
  return (
    adj.brightness === 1 &&
    adj.contrast === 1 &&
    adj.saturation === 1 &&
    adj.hue === 0 &&
    adj.sharpen === 0 &&
    adj.blur === 0
  );
}

/**
 * Adds the adjustments to a pipeline of an sRGB image with an alpha channel. Contrast is a
 * per-channel linear map that leaves alpha alone (alpha gets scale 1, offset 0).
 */
export function applyAdjustments(image: Sharp, adj: Adjustments): Sharp {
  let out = image;
  if (adj.brightness !== 1 || adj.saturation !== 1 || adj.hue !== 0) {
    out = out.modulate({ brightness: adj.brightness, saturation: adj.saturation, hue: Math.round(adj.hue) });
  }
  if (adj.contrast !== 1) {
    const offset = 128 * (1 - adj.contrast);
    out = out.linear([adj.contrast, adj.contrast, adj.contrast, 1], [offset, offset, offset, 0]);
  }
  if (adj.sharpen > 0) out = out.sharpen({ sigma: adj.sharpen });
  if (adj.blur >= 0.3) out = out.blur(adj.blur);
  return out;
}

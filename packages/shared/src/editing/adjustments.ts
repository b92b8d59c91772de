import { z } from "zod";

/** Colour and detail adjustments; 1 (or 0 for hue, sharpen, blur) leaves the image as it is. */
export const adjustmentsSchema = z.strictObject({
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
export type AdjustmentName = keyof Adjustments;

/** True when the adjustments leave every pixel as it is. */
export function isNeutralAdjustments(adj: Adjustments): boolean {
  return (
    adj.brightness === 1 &&
    adj.contrast === 1 &&
    adj.saturation === 1 &&
    adj.hue === 0 &&
    adj.sharpen === 0 &&
    adj.blur === 0
  );
}

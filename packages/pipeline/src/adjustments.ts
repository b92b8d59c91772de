import type { Adjustments } from "@atelier/shared";
import type { Sharp } from "sharp";

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

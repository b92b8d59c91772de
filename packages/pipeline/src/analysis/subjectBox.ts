import sharp from "sharp";
import type { Box } from "../analysis.ts";
import { labelComponents } from "./labelComponents.ts";
import type { SubjectMask } from "./segmentSubject.ts";

/** Masks are examined at most this wide or high; a box does not need full resolution. */
const WORK_SIDE = 512;
/** Mask regions smaller than this share of the largest region are specks, not subject. */
const MIN_REGION_SHARE = 0.05;

/**
 * The box around the subject: the union of the mask's solid regions (value >= 128), ignoring
 * specks. Null when nothing in the mask is solid. Score is the share of the image the subject covers.
 */
export async function subjectBox(mask: SubjectMask): Promise<Box | null> {
  const scale = Math.min(1, WORK_SIDE / Math.max(mask.width, mask.height));
  const width = Math.max(1, Math.round(mask.width * scale));
  const height = Math.max(1, Math.round(mask.height * scale));
  const small =
    scale === 1
      ? mask.data
      : await sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
          .resize(width, height, { fit: "fill", kernel: "linear" })
          .toColourspace("b-w")
          .raw()
          .toBuffer();
  const bitmap = new Uint8Array(width * height);
  let solid = 0;
  for (let i = 0; i < bitmap.length; i++) {
    if (small[i]! >= 128) {
      bitmap[i] = 1;
      solid++;
    }
  }
  if (solid === 0) return null;
  const regions = labelComponents(bitmap, width, height);
  const largest = Math.max(...regions.map((r) => r.pixels.length));
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (const r of regions) {
    if (r.pixels.length < largest * MIN_REGION_SHARE) continue;
    minX = Math.min(minX, r.minX);
    minY = Math.min(minY, r.minY);
    maxX = Math.max(maxX, r.maxX);
    maxY = Math.max(maxY, r.maxY);
  }
  const sx = mask.width / width;
  const sy = mask.height / height;
  const x = Math.floor(minX * sx);
  const y = Math.floor(minY * sy);
  return {
    x,
    y,
    width: Math.min(mask.width, Math.ceil((maxX + 1) * sx)) - x,
    height: Math.min(mask.height, Math.ceil((maxY + 1) * sy)) - y,
    score: Math.round((solid / bitmap.length) * 1000) / 1000,
    label: "subject",
  };
}

import { type CropAnalysis, formatCropOnOriginal, type PriorityKind } from "@atelier/shared";
import { tidyCrop } from "./cropGeometry.ts";
import type { Crop } from "./editDocument.ts";

export interface FormatInfo {
  id: string;
  label: string;
  width: number;
  height: number;
  builtIn: boolean;
}

/** A crop aspect the person can lock to: free, the image's own, or one of the organization's formats. */
export interface AspectPreset {
  id: string;
  label: string;
  /** Output width / height, or null for a free crop. */
  aspect: number | null;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** "16:9" for 1600×900; sizes that reduce to large numbers read as a decimal ("2.63:1" for 820×312). */
export function ratioLabel(width: number, height: number): string {
  const d = gcd(width, height);
  const [w, h] = [width / d, height / d];
  if (w <= 32 && h <= 32) return `${w}:${h}`;
  return width >= height ? `${(width / height).toFixed(2)}:1` : `1:${(height / width).toFixed(2)}`;
}

export function aspectPresets(formats: readonly FormatInfo[], imageWidth: number, imageHeight: number) {
  const presets: AspectPreset[] = [
    { id: "free", label: "Free", aspect: null },
    {
      id: "original",
      label: `Original (${ratioLabel(imageWidth, imageHeight)})`,
      aspect: imageWidth / imageHeight,
    },
  ];
  for (const f of formats) {
    presets.push({
      id: f.id,
      label: `${f.label} (${ratioLabel(f.width, f.height)})`,
      aspect: f.width / f.height,
    });
  }
  return presets;
}

/** What the crop planner needs: the original's stored analysis and the organization's crop priority. */
export interface Planning {
  analysis: CropAnalysis | null;
  priority: PriorityKind[];
}

/**
 * The crop a format renders with, as fractions of the original: its own crop when a person set one,
 * else where the planner puts it from the analysis (faces, product, text), exactly as a `repurpose`
 * job cuts it. A planned region that reaches past the image (the canvas is extended there) is shown
 * shrunk to the image, keeping its shape.
 */
export function formatCropOf(
  format: Pick<FormatInfo, "id" | "width" | "height">,
  main: Crop | null,
  overrides: Record<string, Crop>,
  image: { width: number; height: number },
  planning: Planning,
): { crop: Crop; own: boolean } {
  const planned = formatCropOnOriginal({
    format,
    crop: main ?? undefined,
    override: overrides[format.id],
    analysis: planning.analysis,
    priority: planning.priority,
    imageWidth: image.width,
    imageHeight: image.height,
  });
  return { crop: insideImage(planned.crop), own: planned.own };
}

function insideImage(crop: Crop): Crop {
  const shrink = Math.min(1, 1 / crop.width, 1 / crop.height);
  const width = crop.width * shrink;
  const height = crop.height * shrink;
  return tidyCrop({
    x: Math.min(1 - width, Math.max(0, crop.x + (crop.width - width) / 2)),
    y: Math.min(1 - height, Math.max(0, crop.y + (crop.height - height) / 2)),
    width,
    height,
  });
}

import { cropToAspect, fullCrop, tidyCrop } from "./cropGeometry.ts";
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

/**
 * What a format shows when nobody set its own crop: the server fits the main crop to the format's size
 * with `cover`, i.e. the largest centred part of the main crop with the format's shape.
 */
export function coverCrop(main: Crop | null, aspect: number, imageAspect: number): Crop {
  const base = main ?? fullCrop;
  // In fractions, an output of `aspect` needs width / height = aspect / imageAspect.
  const ratio = aspect / imageAspect;
  let width = base.width;
  let height = width / ratio;
  if (height > base.height) {
    height = base.height;
    width = height * ratio;
  }
  return tidyCrop({
    x: base.x + (base.width - width) / 2,
    y: base.y + (base.height - height) / 2,
    width,
    height,
  });
}

/** The crop a format renders with: its own override, else the main crop fitted to its shape. */
export function formatCropOf(
  format: Pick<FormatInfo, "id" | "width" | "height">,
  main: Crop | null,
  overrides: Record<string, Crop>,
  imageAspect: number,
): { crop: Crop; own: boolean } {
  const own = overrides[format.id];
  if (own) return { crop: own, own: true };
  return { crop: coverCrop(main, format.width / format.height, imageAspect), own: false };
}

/** A starting crop for a format the person begins to adjust: the same as it showed. */
export const startFormatCrop = (crop: Crop, aspect: number, imageAspect: number): Crop =>
  cropToAspect(crop, aspect, imageAspect);

import {
  type Box,
  type CropAnalysis,
  type CropPlan,
  type PriorityKind,
  planCrop,
  type Rect,
} from "./cropPlan.ts";

/** A crop as fractions of the original image. */
interface Fractions {
  x: number;
  y: number;
  width: number;
  height: number;
}

const whole: Fractions = { x: 0, y: 0, width: 1, height: 1 };
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The analysis of an original, moved into the pixels of its edited rendition: the main crop `crop` of it,
 * drawn at width×height. Boxes are clipped to the crop; a box wholly outside it is gone.
 */
export function analysisOfEdited(
  analysis: CropAnalysis,
  crop: Fractions | undefined,
  width: number,
  height: number,
): CropAnalysis {
  const c = crop ?? whole;
  const [left, top] = [c.x * analysis.width, c.y * analysis.height];
  const [right, bottom] = [left + c.width * analysis.width, top + c.height * analysis.height];
  const sx = width / (right - left);
  const sy = height / (bottom - top);
  const move = (b: Box): Box | null => {
    const x0 = clamp(b.x, left, right);
    const y0 = clamp(b.y, top, bottom);
    const x1 = clamp(b.x + b.width, left, right);
    const y1 = clamp(b.y + b.height, top, bottom);
    if (x1 - x0 <= 0 || y1 - y0 <= 0) return null;
    return { ...b, x: (x0 - left) * sx, y: (y0 - top) * sy, width: (x1 - x0) * sx, height: (y1 - y0) * sy };
  };
  const present = (b: Box | null): b is Box => b !== null;
  return {
    width,
    height,
    subject: analysis.subject ? move(analysis.subject) : null,
    faces: analysis.faces.map(move).filter(present),
    texts: analysis.texts.map(move).filter(present),
  };
}

/**
 * A format's own crop (fractions of the original) as pixels of the edited rendition: moved and, if need
 * be, shrunk (keeping its shape) into the main crop, because the rendition holds nothing outside it.
 */
export function overrideInEdited(
  override: Fractions,
  crop: Fractions | undefined,
  width: number,
  height: number,
): Rect {
  const c = crop ?? whole;
  let w = override.width / c.width;
  let h = override.height / c.height;
  const shrink = Math.min(1, 1 / w, 1 / h);
  w *= shrink;
  h *= shrink;
  const x = clamp((override.x - c.x) / c.width, 0, 1 - w);
  const y = clamp((override.y - c.y) / c.height, 0, 1 - h);
  return { x: x * width, y: y * height, width: w * width, height: h * height };
}

export interface FormatRegionInput {
  format: { width: number; height: number };
  /** The document's main crop, fractions of the original. */
  crop?: Fractions;
  /** The format's own crop, fractions of the original. */
  override?: Fractions;
  /** The analysis of the original; null when no model could look at it (crops are then centred). */
  analysis: CropAnalysis | null;
  priority: readonly PriorityKind[];
  /** Size of the edited rendition the region is for. */
  width: number;
  height: number;
}

/**
 * What part of the edited image a format shows, in its pixels: the format's own crop when a person set
 * one, else the planner's choice from the analysis. `repurpose` cuts exactly this region; the format
 * gallery and "Adjust crop" show it, so what people see is what they download.
 */
export function formatRegion(input: FormatRegionInput): CropPlan & { own: boolean } {
  const { width, height } = input;
  if (input.override) {
    const region = overrideInEdited(input.override, input.crop, width, height);
    return { region, kept: null, keptKinds: [], extended: false, own: true };
  }
  const analysis = input.analysis ? analysisOfEdited(input.analysis, input.crop, width, height) : null;
  const plan = planCrop(width, height, input.format.width, input.format.height, analysis, input.priority);
  return { ...plan, own: false };
}

/**
 * The same region as fractions of the original, for a crop frame drawn over it. A region that reaches
 * past the image (the canvas is extended there) is reported as it is, with `extended`.
 */
export function formatCropOnOriginal(
  input: Omit<FormatRegionInput, "width" | "height"> & { imageWidth: number; imageHeight: number },
): { crop: Fractions; own: boolean; extended: boolean } {
  const c = input.crop ?? whole;
  const width = input.imageWidth * c.width;
  const height = input.imageHeight * c.height;
  const plan = formatRegion({ ...input, width, height });
  return {
    crop: {
      x: c.x + (plan.region.x / width) * c.width,
      y: c.y + (plan.region.y / height) * c.height,
      width: (plan.region.width / width) * c.width,
      height: (plan.region.height / height) * c.height,
    },
    own: plan.own,
    extended: plan.extended,
  };
}

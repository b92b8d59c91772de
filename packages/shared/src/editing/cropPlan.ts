import type { CropPriorityKind } from "../orgRules.ts";

/**
 * The crop planner of Atelier: `repurpose` jobs, the format gallery and "Adjust crop" all choose a
 * format's crop with it (pure, so the server, the nodes and the browser run the same code).
 */

/** A rectangle in pixels of the image it was found in. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  score?: number;
  label?: string;
}

/** What the planner needs of an image analysis: where the subject, faces and text are. */
export interface CropAnalysis {
  width: number;
  height: number;
  subject: Box | null;
  faces: Box[];
  texts: Box[];
}

export type PriorityKind = CropPriorityKind;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the image sits on the output canvas: a region of the source (maybe outside it) scaled to the target. */
export interface CropPlan {
  /** Region of the source image, in source pixels; may extend past the image (canvas extension). */
  region: Rect;
  /** The box the crop was chosen to keep, in source pixels, or null when nothing was found. */
  kept: Rect | null;
  keptKinds: PriorityKind[];
  extended: boolean;
}

export function unionOf(boxes: readonly Rect[]): Rect | null {
  if (boxes.length === 0) return null;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export function boxesOfKind(analysis: CropAnalysis, kind: PriorityKind): Box[] {
  if (kind === "face") return analysis.faces;
  if (kind === "text") return analysis.texts;
  return analysis.subject ? [analysis.subject] : [];
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/** Start offset of a window of `size` that shows [keepStart, keepEnd] as centred as the image allows. */
function place(size: number, full: number, keepStart: number, keepEnd: number): number {
  if (size >= full) return (full - size) / 2;
  const centred = (keepStart + keepEnd) / 2 - size / 2;
  return clamp(centred, 0, full - size);
}

/**
 * Chooses the source region for a target aspect. The largest window of that aspect is placed
 * over the highest-priority box, adding lower-priority boxes while they still fit. When even
 * the first box cannot fit, the window grows past the image to the box (plus a small margin)
 * and the caller fills the extension.
 */
export function planCrop(
  imageWidth: number,
  imageHeight: number,
  targetWidth: number,
  targetHeight: number,
  analysis: CropAnalysis | null,
  priority: readonly PriorityKind[],
): CropPlan {
  const aspect = targetWidth / targetHeight;
  const cropWidth = Math.min(imageWidth, imageHeight * aspect);
  const cropHeight = cropWidth / aspect;

  const candidates: Array<{ kind: PriorityKind; box: Rect }> = [];
  for (const kind of priority) {
    const box = analysis ? unionOf(boxesOfKind(analysis, kind)) : null;
    if (box && box.width > 0 && box.height > 0) candidates.push({ kind, box });
  }

  const fits = (b: Rect) => b.width <= cropWidth + 1e-6 && b.height <= cropHeight + 1e-6;
  let kept: Rect | null = null;
  const keptKinds: PriorityKind[] = [];
  for (const { kind, box } of candidates) {
    const merged: Rect = kept ? (unionOf([kept, box]) as Rect) : box;
    if (!fits(merged)) {
      if (kept) continue;
      return extendTo(box, kind, imageWidth, imageHeight, aspect);
    }
    kept = merged;
    keptKinds.push(kind);
  }

  const focus = kept ?? { x: imageWidth / 2, y: imageHeight / 2, width: 0, height: 0 };
  return {
    region: {
      x: place(cropWidth, imageWidth, focus.x, focus.x + focus.width),
      y: place(cropHeight, imageHeight, focus.y, focus.y + focus.height),
      width: cropWidth,
      height: cropHeight,
    },
    kept,
    keptKinds,
    extended: false,
  };
}

const extensionMargin = 0.04;

function extendTo(
  box: Rect,
  kind: PriorityKind,
  imageWidth: number,
  imageHeight: number,
  aspect: number,
): CropPlan {
  const needWidth = Math.max(box.width, Math.min(imageWidth, box.width * (1 + 2 * extensionMargin)));
  const needHeight = Math.max(box.height, Math.min(imageHeight, box.height * (1 + 2 * extensionMargin)));
  const width = needWidth / needHeight > aspect ? needWidth : needHeight * aspect;
  const height = width / aspect;
  return {
    region: {
      x: place(width, imageWidth, box.x, box.x + box.width),
      y: place(height, imageHeight, box.y, box.y + box.height),
      width,
      height,
    },
    kept: box,
    keptKinds: [kind],
    extended: true,
  };
}

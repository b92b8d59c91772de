import type { Crop } from "./editDocument.ts";

export const fullCrop: Crop = { x: 0, y: 0, width: 1, height: 1 };

/** Which part of the crop box is being dragged: the whole box or one of its corners/edges. */
export type CropHandle = "move" | "n" | "s" | "e" | "w" | "ne" | "nw" | "se" | "sw";

const minSize = 0.02;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Rounds to 4 decimals: a tenth of a pixel on a 1000-pixel image, and much shorter JSON. */
export function tidyCrop(crop: Crop): Crop {
  const r = (n: number) => Math.round(n * 10_000) / 10_000;
  const x = clamp(r(crop.x), 0, 1 - minSize);
  const y = clamp(r(crop.y), 0, 1 - minSize);
  return { x, y, width: clamp(r(crop.width), minSize, 1 - x), height: clamp(r(crop.height), minSize, 1 - y) };
}

/**
 * The crop after dragging `handle` by (dx, dy) in fractions of the image. With `aspect` (output width / height
 * in pixels) and the image's own aspect, resizing keeps that shape.
 */
export function dragCrop(
  start: Crop,
  handle: CropHandle,
  dx: number,
  dy: number,
  aspect: number | null,
  imageAspect: number,
): Crop {
  if (handle === "move") {
    return tidyCrop({
      ...start,
      x: clamp(start.x + dx, 0, 1 - start.width),
      y: clamp(start.y + dy, 0, 1 - start.height),
    });
  }
  let left = start.x;
  let top = start.y;
  let right = start.x + start.width;
  let bottom = start.y + start.height;
  if (handle.includes("w")) left = clamp(left + dx, 0, right - minSize);
  if (handle.includes("e")) right = clamp(right + dx, left + minSize, 1);
  if (handle.includes("n")) top = clamp(top + dy, 0, bottom - minSize);
  if (handle.includes("s")) bottom = clamp(bottom + dy, top + minSize, 1);
  let crop = { x: left, y: top, width: right - left, height: bottom - top };
  if (aspect) {
    // In fractions, a w:h output needs width/height = aspect / imageAspect.
    const ratio = aspect / imageAspect;
    const byWidth = !(handle === "n" || handle === "s");
    let width = byWidth ? crop.width : crop.height * ratio;
    let height = width / ratio;
    const maxWidth = handle.includes("w") ? right : 1 - crop.x;
    const maxHeight = handle.includes("n") ? bottom : 1 - crop.y;
    const fit = Math.min(1, maxWidth / width, maxHeight / height);
    width *= fit;
    height *= fit;
    crop = {
      x: handle.includes("w") ? right - width : crop.x,
      y: handle.includes("n") ? bottom - height : crop.y,
      width,
      height,
    };
  }
  return tidyCrop(crop);
}

/** The largest crop of that output aspect centred on the current crop (or the image). */
export function cropToAspect(current: Crop | null, aspect: number, imageAspect: number): Crop {
  const base = current ?? fullCrop;
  const ratio = aspect / imageAspect;
  let width = 1;
  let height = 1 / ratio;
  if (height > 1) {
    height = 1;
    width = ratio;
  }
  const cx = base.x + base.width / 2;
  const cy = base.y + base.height / 2;
  return tidyCrop({
    x: clamp(cx - width / 2, 0, 1 - width),
    y: clamp(cy - height / 2, 0, 1 - height),
    width,
    height,
  });
}

/** Moves or grows the crop with the arrow keys (Shift for bigger steps). */
export function nudgeCrop(crop: Crop, key: string, big: boolean, resize: boolean): Crop | null {
  const step = big ? 0.05 : 0.01;
  const delta: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  const d = delta[key];
  if (!d) return null;
  if (resize) return tidyCrop({ ...crop, width: crop.width + d[0], height: crop.height + d[1] });
  return dragCrop(crop, "move", d[0], d[1], null, 1);
}

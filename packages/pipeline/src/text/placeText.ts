import type { Rect } from "@atelier/shared";
import { layoutBlocks, styleScale, type TextItem } from "./layoutText.ts";
import { type Placement, safeRegions } from "./safeArea.ts";
import { blocksToSvg } from "./textSvg.ts";

export interface TextLayer {
  svg: Buffer;
  left: number;
  top: number;
  /** The area the text occupies, in image pixels. */
  box: Rect;
}

/** Lays the items out in the largest safe band that holds them; null when none does. */
export function placeAutoText(
  items: readonly TextItem[],
  width: number,
  height: number,
  subject: Rect | null,
  placement: Placement,
): TextLayer | null {
  if (items.length === 0) return null;
  const scale = styleScale(width, height);
  for (const region of safeRegions(width, height, subject, placement)) {
    const laid = layoutBlocks(items, region.rect.width, region.rect.height, scale, region.anchor);
    if (!laid) continue;
    const svg = blocksToSvg(region.rect.width, region.rect.height, laid.blocks, laid.scale);
    return {
      svg: Buffer.from(svg),
      left: region.rect.x,
      top: region.rect.y,
      box: {
        x: region.rect.x,
        y: region.rect.y + laid.used.y,
        width: region.rect.width,
        height: laid.used.height,
      },
    };
  }
  return null;
}

/**
 * One item at a position the person chose: (x, y) is its top-left corner and `maxWidth` its
 * width, all as fractions of the image. Clipped to the image.
 */
export function placeTextAt(
  item: TextItem,
  width: number,
  height: number,
  at: { x: number; y: number; maxWidth?: number },
): TextLayer | null {
  const left = Math.round(Math.min(Math.max(at.x, 0), 1) * width);
  const top = Math.round(Math.min(Math.max(at.y, 0), 1) * height);
  const boxWidth = Math.min(width - left, Math.round((at.maxWidth ?? 1 - at.x) * width));
  const boxHeight = height - top;
  if (boxWidth < 4 || boxHeight < 4) return null;
  const laid = layoutBlocks([item], boxWidth, boxHeight, styleScale(width, height), "top");
  if (!laid) return null;
  const svgHeight = Math.max(1, Math.min(boxHeight, Math.ceil(laid.used.height)));
  return {
    svg: Buffer.from(blocksToSvg(boxWidth, svgHeight, laid.blocks, laid.scale)),
    left,
    top,
    box: { x: left, y: top, width: boxWidth, height: svgHeight },
  };
}

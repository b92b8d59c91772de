import type { Rect } from "@atelier/shared";
import { type LaidOutBlock, wrapText } from "./textSvg.ts";
import type { TextStyle } from "@atelier/shared";

export interface TextItem {
  text: string;
  style: TextStyle;
}

export type VerticalAnchor = "top" | "middle" | "bottom";

/** Font sizes in styles are for an image whose shorter side is 1080 px. */
export function styleScale(width: number, height: number): number {
  return Math.min(width, height) / 1080;
}

const smallestShrink = 0.35;

/**
 * Stacks the items in a box of `width` x `height`, wrapping lines to the width and shrinking
 * the fonts (down to 35 %) until everything fits. Coordinates are relative to the box.
 * Returns null when the text cannot fit even at the smallest size.
 */
export function layoutBlocks(
  items: readonly TextItem[],
  width: number,
  height: number,
  scale: number,
  anchor: VerticalAnchor,
): { blocks: LaidOutBlock[]; used: Rect; scale: number } | null {
  for (let s = scale; s >= scale * smallestShrink; s *= 0.85) {
    const blocks: LaidOutBlock[] = [];
    let y = 0;
    for (const [index, item] of items.entries()) {
      const fontSize = item.style.fontSize * s;
      const pad = item.style.box ? item.style.box.padding * s : 0;
      const lines = wrapText(item.text, width - 2 * pad, fontSize, item.style.fontWeight);
      if (index > 0) y += fontSize * 0.35;
      const blockHeight = lines.length * fontSize * item.style.lineHeight + fontSize * 0.25 + 2 * pad;
      blocks.push({ lines, style: item.style, fontSize, x: 0, y, width, height: blockHeight });
      y += blockHeight;
    }
    if (y <= height) {
      const offset = anchor === "top" ? 0 : anchor === "middle" ? (height - y) / 2 : height - y;
      for (const block of blocks) block.y += offset;
      return { blocks, used: { x: 0, y: offset, width, height: y }, scale: s };
    }
  }
  return null;
}

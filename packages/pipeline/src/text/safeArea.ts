import type { Rect } from "@atelier/shared";
import type { VerticalAnchor } from "./layoutText.ts";

export type Placement = "auto" | "top" | "bottom" | "left" | "right";

export interface SafeRegion {
  side: Exclude<Placement, "auto"> | "full";
  rect: Rect;
  anchor: VerticalAnchor;
}

/**
 * Places where text may go without covering the subject: the bands above, below, left and
 * right of its box (with a margin), largest first; with no subject, the whole image inside
 * its margins, text at the bottom.
 */
export function safeRegions(
  width: number,
  height: number,
  subject: Rect | null,
  placement: Placement,
): SafeRegion[] {
  const margin = Math.round(Math.min(width, height) * 0.05);
  const inner: Rect = { x: margin, y: margin, width: width - 2 * margin, height: height - 2 * margin };
  if (!subject) {
    const anchor: VerticalAnchor = placement === "top" ? "top" : "bottom";
    return [{ side: "full", rect: inner, anchor }];
  }
  const s = {
    x0: Math.max(0, subject.x - margin),
    y0: Math.max(0, subject.y - margin),
    x1: Math.min(width, subject.x + subject.width + margin),
    y1: Math.min(height, subject.y + subject.height + margin),
  };
  const bands: SafeRegion[] = [
    {
      side: "bottom",
      anchor: "bottom",
      rect: { x: inner.x, y: s.y1, width: inner.width, height: inner.y + inner.height - s.y1 },
    },
    {
      side: "top",
      anchor: "top",
      rect: { x: inner.x, y: inner.y, width: inner.width, height: s.y0 - inner.y },
    },
    {
      side: "left",
      anchor: "middle",
      rect: { x: inner.x, y: inner.y, width: s.x0 - inner.x, height: inner.height },
    },
    {
      side: "right",
      anchor: "middle",
      rect: { x: s.x1, y: inner.y, width: inner.x + inner.width - s.x1, height: inner.height },
    },
  ];
  const usable = bands
    .map((band) => ({ ...band, rect: roundRect(band.rect) }))
    .filter((band) => band.rect.width >= 8 && band.rect.height >= 8);
  const chosen = placement === "auto" ? usable : usable.filter((band) => band.side === placement);
  return chosen.sort((a, b) => b.rect.width * b.rect.height - a.rect.width * a.rect.height);
}

function roundRect(r: Rect): Rect {
  const x = Math.ceil(r.x);
  const y = Math.ceil(r.y);
  return { x, y, width: Math.floor(r.x + r.width) - x, height: Math.floor(r.y + r.height) - y };
}

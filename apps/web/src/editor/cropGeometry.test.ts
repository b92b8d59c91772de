import { describe, expect, it } from "vitest";
import { cropToAspect, dragCrop, fullCrop } from "./cropGeometry.ts";

describe("dragging the crop box", () => {
  it("moves the box without leaving the image", () => {
    const crop = dragCrop({ x: 0.5, y: 0.5, width: 0.4, height: 0.4 }, "move", 0.3, -0.7, null, 1.5);
    expect(crop).toEqual({ x: 0.6, y: 0, width: 0.4, height: 0.4 });
  });

  it("keeps a format's shape while resizing from a corner", () => {
    const imageAspect = 1.5; // a 1500×1000 photo
    const crop = dragCrop(fullCrop, "se", -0.5, -0.1, 1, imageAspect);
    expect((crop.width * 1500) / (crop.height * 1000)).toBeCloseTo(1, 2);
    expect(crop.x + crop.width).toBeLessThanOrEqual(1);
    expect(crop.y + crop.height).toBeLessThanOrEqual(1);
  });

  it("picks the largest square of a landscape image for a square format", () => {
    const crop = cropToAspect(null, 1, 1.5);
    expect(crop.height).toBe(1);
    expect(crop.width).toBeCloseTo(0.6667, 3);
    expect(crop.x).toBeCloseTo(0.1667, 3);
  });
});

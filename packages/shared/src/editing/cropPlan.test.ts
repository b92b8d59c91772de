import { describe, expect, it } from "vitest";
import type { CropAnalysis as ImageAnalysis } from "./cropPlan.ts";
import { planCrop, type Rect } from "./cropPlan.ts";

const inside = (box: Rect, region: Rect) =>
  box.x >= region.x - 1e-6 &&
  box.y >= region.y - 1e-6 &&
  box.x + box.width <= region.x + region.width + 1e-6 &&
  box.y + box.height <= region.y + region.height + 1e-6;

// A 2000x1000 picture: a face on the left, the product on the right, a headline along the bottom.
const face = { x: 200, y: 200, width: 200, height: 250 };
const product = { x: 1500, y: 300, width: 300, height: 400 };
const headline = { x: 300, y: 850, width: 1400, height: 100 };
const analysis: ImageAnalysis = {
  width: 2000,
  height: 1000,
  subject: product,
  faces: [face],
  texts: [headline],
};

describe("planCrop", () => {
  it("keeps whatever the organisation ranks first when not everything fits", () => {
    const faceFirst = planCrop(2000, 1000, 1080, 1350, analysis, ["face", "product", "text"]);
    expect(faceFirst.keptKinds).toEqual(["face"]);
    expect(inside(face, faceFirst.region)).toBe(true);
    expect(inside(product, faceFirst.region)).toBe(false);

    const productFirst = planCrop(2000, 1000, 1080, 1350, analysis, ["product", "face", "text"]);
    expect(productFirst.keptKinds).toEqual(["product"]);
    expect(inside(product, productFirst.region)).toBe(true);
  });

  it("adds lower-ranked boxes while they still fit", () => {
    const wide = planCrop(2000, 1000, 1600, 900, analysis, ["face", "product", "text"]);
    expect(wide.keptKinds).toEqual(["face", "product", "text"]);
    expect(wide.extended).toBe(false);
    // In a square the product is too far from the face, but the face still gets the headline's start.
    const moved = { ...analysis, texts: [{ x: 100, y: 850, width: 700, height: 100 }] };
    const square = planCrop(2000, 1000, 1080, 1080, moved, ["face", "product", "text"]);
    expect(square.keptKinds).toEqual(["face", "text"]);
    expect(inside(face, square.region) && inside(moved.texts[0]!, square.region)).toBe(true);
  });

  it("extends past the image only when the first box cannot fit", () => {
    const story = planCrop(2000, 1000, 1080, 1920, analysis, ["text", "face"]);
    expect(story.extended).toBe(true);
    expect(inside(headline, story.region)).toBe(true);
    expect(story.region.width / story.region.height).toBeCloseTo(1080 / 1920, 5);
  });

  it("centres the crop when nothing was found", () => {
    const plan = planCrop(2000, 1000, 1000, 1000, null, ["face"]);
    expect(plan.region).toEqual({ x: 500, y: 0, width: 1000, height: 1000 });
  });
});

import { describe, expect, it } from "vitest";
import { aspectPresets, coverCrop, formatCropOf, ratioLabel } from "./formatCrop.ts";

const square = {
  id: "instagram-square",
  label: "Instagram square",
  width: 1080,
  height: 1080,
  builtIn: true,
};

describe("formats in the editor", () => {
  it("names aspect ratios the way people say them", () => {
    expect(ratioLabel(1600, 900)).toBe("16:9");
    expect(ratioLabel(1080, 1350)).toBe("4:5");
    expect(ratioLabel(820, 312)).toBe("2.63:1");
    const presets = aspectPresets([square], 1500, 1000);
    expect(presets.map((p) => p.label)).toEqual(["Free", "Original (3:2)", "Instagram square (1:1)"]);
    expect(presets[2]!.aspect).toBe(1);
  });

  it("shows a format without its own crop as the server renders it: the main crop, centred to its shape", () => {
    // A 1500×1000 photo: a square is two thirds of the width, centred.
    const crop = coverCrop(null, 1, 1.5);
    expect(crop.width).toBeCloseTo(2 / 3, 3);
    expect(crop.height).toBe(1);
    expect(crop.x).toBeCloseTo(1 / 6, 3);
    // Inside a main crop of the left half (750×1000), a square is as wide as the crop.
    const inHalf = coverCrop({ x: 0, y: 0, width: 0.5, height: 1 }, 1, 1.5);
    expect(inHalf).toEqual({ x: 0, y: 0.125, width: 0.5, height: 0.75 });
  });

  it("uses a format's own crop when it has one, leaving the others on the main crop", () => {
    const own = { x: 0.1, y: 0.1, width: 0.4, height: 0.6 };
    expect(formatCropOf(square, null, { [square.id]: own }, 1.5)).toEqual({ crop: own, own: true });
    expect(formatCropOf({ ...square, id: "other" }, null, { [square.id]: own }, 1.5).own).toBe(false);
  });
});

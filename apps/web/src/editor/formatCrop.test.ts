import { describe, expect, it } from "vitest";
import { aspectPresets, formatCropOf, ratioLabel } from "./formatCrop.ts";

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

  it("shows a format where the planner puts it: the face of a portrait stays in every wide format", () => {
    // A 600×900 portrait, the face near the top: a centred wide crop would show the torso.
    const planning = {
      analysis: {
        width: 600,
        height: 900,
        subject: { x: 100, y: 60, width: 400, height: 840 },
        faces: [{ x: 240, y: 90, width: 120, height: 150 }],
        texts: [],
      },
      priority: ["face" as const, "product" as const, "text" as const],
    };
    const image = { width: 600, height: 900 };
    const feed = formatCropOf({ id: "facebook-feed", width: 1200, height: 630 }, null, {}, image, planning);
    const faceTop = 90 / 900;
    const faceBottom = (90 + 150) / 900;
    expect(feed.own).toBe(false);
    expect(feed.crop.y).toBeLessThanOrEqual(faceTop);
    expect(feed.crop.y + feed.crop.height).toBeGreaterThanOrEqual(faceBottom);
    // Without an analysis (no model) the crop is centred, as the job's would be.
    const centred = formatCropOf({ id: "facebook-feed", width: 1200, height: 630 }, null, {}, image, {
      ...planning,
      analysis: null,
    });
    expect(centred.crop.y).toBeGreaterThan(faceBottom);
  });

  it("uses a format's own crop when it has one, leaving the others to the planner", () => {
    const own = { x: 0.1, y: 0.1, width: 0.4, height: 0.6 };
    const planning = { analysis: null, priority: [] };
    const image = { width: 1500, height: 1000 };
    expect(formatCropOf(square, null, { [square.id]: own }, image, planning)).toEqual({
      crop: own,
      own: true,
    });
    expect(formatCropOf({ ...square, id: "other" }, null, { [square.id]: own }, image, planning).own).toBe(
      false,
    );
  });
});

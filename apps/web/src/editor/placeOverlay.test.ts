import { describe, expect, it } from "vitest";
import { freeSpot } from "./placeOverlay.ts";

describe("where a new text goes", () => {
  it("never on top of a text that is already there", () => {
    const overlays: Array<{ x: number; y: number }> = [];
    for (let i = 0; i < 12; i++) {
      const spot = freeSpot(overlays, "ada");
      for (const o of overlays)
        expect(Math.abs(o.y - spot.y) >= 0.12 || Math.abs(o.x - spot.x) >= 0.4).toBe(true);
      overlays.push(spot);
    }
  });

  it("in different spots for two people who add one at the same moment", () => {
    const ada = "3f1a8c2e-0b7d-4c55-9a10-7d2f1e6b9c01";
    const grace = "9e4b2d71-5c3a-4f08-b6e2-0a8d7c3f1b42";
    expect(freeSpot([], ada)).not.toEqual(freeSpot([], grace));
  });
});

import { describe, expect, it } from "vitest";
import { freeSpot, overlaps, settleClash } from "./placeOverlay.ts";

describe("where a new text goes", () => {
  it("never on top of a text that is already there", () => {
    const overlays: Array<{ x: number; y: number }> = [];
    for (let i = 0; i < 5; i++) {
      const spot = freeSpot(overlays, "ada");
      for (const o of overlays) expect(overlaps(o, spot)).toBe(false);
      overlays.push(spot);
    }
  });

  it("apart for two people who add one at the same moment: exactly one of them moves", () => {
    // Both chose a line before seeing the other's text; say they met on the same one.
    const spot = freeSpot([], "ada");
    const ada = { id: "a1", ...spot };
    const grace = { id: "g1", ...spot };
    const both = [ada, grace];
    expect(settleClash(ada, both, "ada")).toBeNull();
    const moved = settleClash(grace, both, "grace");
    expect(moved).not.toBeNull();
    expect(overlaps(moved!, ada)).toBe(false);
  });
});

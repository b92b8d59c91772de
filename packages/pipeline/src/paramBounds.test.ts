import { unboundedPlaces } from "@atelier/shared/testing";
import { describe, expect, it } from "vitest";
import { allSteps } from "./catalogue.ts";
import { presets } from "./presets.ts";

describe("parameter bounds", () => {
  it("bounds every string, number, array and map of every step's params", () => {
    expect(allSteps.flatMap((step) => unboundedPlaces(step.params, step.name))).toEqual([]);
  });

  it("bounds every preset's params", () => {
    expect([...presets.values()].flatMap((p) => unboundedPlaces(p.params, `preset ${p.name}`))).toEqual([]);
  });
});

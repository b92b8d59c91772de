import { describe, expect, it } from "vitest";
import { parseSpec } from "./catalogue.ts";
import { presetSpec, presets } from "./presets.ts";

describe("presets", () => {
  it("every preset with default params gives a spec the catalogue accepts", () => {
    for (const name of presets.keys()) {
      expect(() => parseSpec(presetSpec(name, {})), name).not.toThrow();
    }
  });

  it("turns user params into step params", () => {
    const spec = presetSpec("product-shot", { formats: "instagram-story, pinterest-pin", shadow: false });
    expect(spec.steps.map((s) => s.step)).toEqual([
      "normalize",
      "remove-background",
      "backdrop",
      "repurpose",
    ]);
    expect(spec.steps[2]!.params).toMatchObject({ shadow: null });
    expect(spec.steps[3]!.params).toMatchObject({
      formats: ["instagram-story", "pinterest-pin"],
      fill: "edge",
    });
    expect(presetSpec("cartoon-figurine", { cutout: false }).steps.map((s) => s.step)).toEqual([
      "normalize",
      "cartoonize",
    ]);
  });

  it("rejects unknown presets and bad params with VALIDATION_ERROR and the param's path", () => {
    expect(() => presetSpec("glitter", {})).toThrow(expect.objectContaining({ code: "VALIDATION_ERROR" }));
    expect(() => presetSpec("repurpose", { quality: 500 })).toThrow(
      expect.objectContaining({ code: "VALIDATION_ERROR", details: { path: ["params", "quality"] } }),
    );
    expect(() => presetSpec("repurpose", { colour: "red" })).toThrow(
      expect.objectContaining({ code: "VALIDATION_ERROR" }),
    );
  });
});

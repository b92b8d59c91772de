import { describe, expect, it } from "vitest";
import { catalogue } from "./catalogue.ts";
import { parsePipelineSpec } from "./pipelineSpec.ts";
import { assertJobSizeWithin, planJobSize } from "./planJobSize.ts";

const photo = { width: 4000, height: 3000 };
const env = { orgFormats: [] };
const limits = { maxTotalPixels: 2_000e6, maxImagePixels: 100e6 };
const plan = (steps: Array<{ step: string; params?: Record<string, unknown> }>, inputs = [photo]) =>
  planJobSize(parsePipelineSpec({ steps }, catalogue), inputs, env);

describe("a job's size, planned before it runs", () => {
  it("multiplies images by formats, scales and canvas sizes", () => {
    expect(plan([{ step: "resize", params: { width: 2000 } }]).totalPixels).toBe(2000 * 1500);
    expect(plan([{ step: "upscale", params: { scale: 2 } }]).largest).toMatchObject({
      width: 8000,
      height: 6000,
    });
    const tenFormats = plan([{ step: "repurpose" }]).totalPixels;
    expect(tenFormats).toBeGreaterThan(10 * 1e6);
    expect(plan([{ step: "repurpose" }], [photo, photo]).totalPixels).toBe(2 * tenFormats);
    expect(
      plan([
        { step: "convert", params: { format: "webp" } },
        { step: "resize", params: { width: 400, height: 400, fit: "cover" } },
      ]).totalPixels,
    ).toBe(12e6 + 160_000);
  });

  it("refuses a 16384×16384 resize, a sprite sheet 16384 wide and ×8 upscales of a photo", () => {
    for (const steps of [
      [{ step: "resize", params: { width: 16384, height: 16384, fit: "fill" } }],
      [{ step: "sprite-sheet", params: { maxSize: 16384 } }],
      [{ step: "upscale", params: { scale: 8 } }],
    ]) {
      expect(() => assertJobSizeWithin(plan(steps), limits)).toThrow(/largest image this server makes/);
    }
  });

  it("refuses repurposing 200 photos into every format, but not one photo", () => {
    const many = Array.from({ length: 200 }, () => photo);
    expect(() => assertJobSizeWithin(plan([{ step: "repurpose" }], many), limits)).toThrow(/at most 2000 MP/);
    expect(() => assertJobSizeWithin(plan([{ step: "repurpose" }]), limits)).not.toThrow();
  });
});

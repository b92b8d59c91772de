import { describe, expect, it } from "vitest";
import { catalogue } from "./catalogue.ts";
import { parsePipelineSpec } from "./pipelineSpec.ts";
import { priceJob, usedCredits } from "./pricing.ts";

const env = { orgFormats: [] };
const plan = (steps: Array<{ step: string; params?: Record<string, unknown> }>) =>
  parsePipelineSpec({ steps }, catalogue);

describe("a job's price", () => {
  it("adds each step's price per run, per input image for image steps", () => {
    const price = priceJob(
      plan([{ step: "remove-background" }]),
      [
        { width: 1000, height: 1000 },
        { width: 10, height: 10 },
      ],
      env,
    );
    expect(price.credits).toBe(4);
  });

  it("charges megapixels handed on, after each step's size plan, rounded up once", () => {
    const steps = plan([{ step: "upscale", params: { scale: 2 } }]);
    const price = priceJob(steps, [{ width: 1000, height: 1000 }], env);
    expect(price.megapixels).toBeCloseTo(4);
    expect(price.credits).toBe(4);
  });

  it("costs at least one credit, so every job is metered", () => {
    expect(
      priceJob(plan([{ step: "convert", params: { format: "webp" } }]), [{ width: 10, height: 10 }], env)
        .credits,
    ).toBe(1);
  });

  it("captures what was used: megapixels scaled by what was really made, never over the reservation", () => {
    const price = { perRun: 2, perMegapixel: 8, credits: 10 };
    expect(usedCredits(price, 8e6, 4e6)).toBe(6);
    expect(usedCredits(price, 8e6, 16e6)).toBe(10);
  });
});

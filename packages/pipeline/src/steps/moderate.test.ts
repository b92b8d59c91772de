import { isAppError } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { fixture, runStep, testEnv } from "../testing/stepHarness.ts";
import { moderateStep, moderationThreshold } from "./moderate.ts";

describe("moderate", () => {
  it("says it is unavailable and why, instead of inventing a score", async () => {
    const availability = moderateStep.availability!(testEnv);
    expect(availability.available).toBe(false);
    expect(availability.available === false && availability.reason).toMatch(/nsfwjs/);
    const err = await runStep(moderateStep, {}, [fixture("coffee.png")]).catch((e) => e);
    expect(isAppError(err, "STEP_UNAVAILABLE")).toBe(true);
  });

  it("flags above the organization's saved threshold unless the run sets its own", async () => {
    const org = { cropPriority: [], formats: [], moderationThreshold: 55 };
    expect(moderationThreshold({}, { ...testEnv, org })).toBe(0.55);
    expect(moderationThreshold({ threshold: 0.9 }, { ...testEnv, org })).toBe(0.9);
    expect(moderationThreshold({}, testEnv)).toBe(0.8);
    const err = await runStep(moderateStep, {}, [fixture("coffee.png")], { env: { org } }).catch((e) => e);
    expect(err.details).toMatchObject({ threshold: 0.55 });
  });
});

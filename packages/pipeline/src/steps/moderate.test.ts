import { isAppError } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { fixture, runStep, testEnv } from "../testing/stepHarness.ts";
import { moderateStep } from "./moderate.ts";

describe("moderate", () => {
  it("says it is unavailable and why, instead of inventing a score", async () => {
    const availability = moderateStep.availability!(testEnv);
    expect(availability.available).toBe(false);
    expect(availability.available === false && availability.reason).toMatch(/nsfwjs/);
    const err = await runStep(moderateStep, {}, [fixture("coffee.png")]).catch((e) => e);
    expect(isAppError(err, "STEP_UNAVAILABLE")).toBe(true);
  });
});

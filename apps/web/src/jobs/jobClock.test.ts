import type { JobStepView } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { formatDuration, jobClock } from "./jobClock.ts";

const t0 = Date.parse("2026-11-30T10:00:00Z");
const at = (ms: number) => new Date(t0 + ms).toISOString();
const step = (s: Partial<JobStepView> & Pick<JobStepView, "index" | "step">): JobStepView => ({
  status: "pending",
  progress: 0,
  expectedMs: null,
  startedAt: null,
  finishedAt: null,
  ...s,
});

describe("a job's clock", () => {
  it("estimates the time left from the steps' expected times, not from their count", () => {
    // remove-background after normalize: normalize is done, the model is a fifth through.
    const job = {
      status: "running" as const,
      startedAt: at(0),
      finishedAt: null,
      progress: 0.2,
      steps: [
        step({
          index: 0,
          step: "normalize",
          status: "succeeded",
          expectedMs: 150,
          startedAt: at(0),
          finishedAt: at(150),
        }),
        step({
          index: 1,
          step: "remove-background",
          status: "running",
          progress: 0.2,
          expectedMs: 4000,
          startedAt: at(150),
        }),
      ],
    };
    const clock = jobClock(job, t0 + 950);
    expect(clock.elapsedMs).toBe(950);
    expect(clock.leftMs).toBe(3200);
  });

  it("says how long a finished job took, and nothing about time left", () => {
    const clock = jobClock(
      { status: "succeeded", startedAt: at(0), finishedAt: at(12_400), progress: 1, steps: [] },
      t0 + 60_000,
    );
    expect(clock).toEqual({ startedAt: new Date(t0), elapsedMs: 12_400, leftMs: null });
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(400)).toBe("0.4 s");
    expect(formatDuration(65_000)).toBe("1 min 5 s");
  });
});

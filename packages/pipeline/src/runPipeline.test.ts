import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildCatalogue, parsePipelineSpec } from "./pipelineSpec.ts";
import { runPipeline } from "./runPipeline.ts";
import { defineStep } from "./step.ts";
import { cartoonizeStep } from "./steps/cartoonize.ts";
import { normalizeStep } from "./steps/normalize.ts";
import { repurposeStep } from "./steps/repurpose.ts";
import { fixture, testEnv } from "./testing/stepHarness.ts";

/** Reports progress in a tight loop for `ms`, with a noisy preview now and then. */
const busyStep = defineStep({
  name: "busy",
  description: "test step",
  params: z.object({ ms: z.number().default(400) }),
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  models: [],
  async run(ctx) {
    const noise = await sharp(
      Buffer.from(Array.from({ length: 1400 * 1000 * 3 }, () => Math.floor(Math.random() * 256))),
      {
        raw: { width: 1400, height: 1000, channels: 3 },
      },
    )
      .png({ compressionLevel: 1 })
      .toBuffer();
    const end = performance.now() + ctx.params.ms;
    let i = 0;
    while (performance.now() < end) {
      ctx.progress(Math.min(1, 1 - (end - performance.now()) / ctx.params.ms), `tick ${i++}`);
      if (i % 2000 === 0) await ctx.preview(noise);
      await new Promise((r) => setImmediate(r));
    }
    return { images: [{ ...ctx.inputs[0]!, name: "busy", data: noise }] };
  },
});

const steps = buildCatalogue([normalizeStep, repurposeStep, cartoonizeStep, busyStep]);
const noAnalysis = { width: 600, height: 400, subject: null, faces: [], texts: [], colours: [] };

describe("runPipeline", () => {
  it("reports monotonic, throttled progress and small previews for every step", async () => {
    const progress: Array<{ index: number; overall: number; at: number }> = [];
    const previews: Array<{ bytes: number; width: number; height: number }> = [];
    const started: string[] = [];
    const finished: Array<{ step: string; outputs: number }> = [];
    const t0 = performance.now();
    const result = await runPipeline(
      {
        steps: [
          { step: "normalize" },
          { step: "busy", params: { ms: 600 } },
          { step: "repurpose", params: { formats: ["x-post", "pinterest-pin"], analysis: noAnalysis } },
        ],
      },
      [fixture("coffee.png")],
      {
        env: testEnv,
        catalogue: steps,
        events: {
          stepStarted: (e) => started.push(e.step),
          progress: (e) => progress.push({ index: e.index, overall: e.overall, at: performance.now() - t0 }),
          preview: (e) => {
            previews.push({ bytes: e.data.length, width: e.width, height: e.height });
          },
          stepFinished: (e) => finished.push({ step: e.step, outputs: e.outputs.length }),
        },
      },
    );
    expect(started).toEqual(["normalize", "busy", "repurpose"]);
    expect(finished).toEqual([
      { step: "normalize", outputs: 1 },
      { step: "busy", outputs: 1 },
      { step: "repurpose", outputs: 2 },
    ]);
    expect(result.images.map((i) => [i.name, i.meta?.source])).toEqual([
      ["x-post", "coffee"],
      ["pinterest-pin", "coffee"],
    ]);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!.overall).toBeGreaterThanOrEqual(progress[i - 1]!.overall);
    expect(progress.at(-1)!.overall).toBe(1);
    const busy = progress.filter((p) => p.index === 1);
    // The step reported thousands of times in 600 ms; at most ~10 per second get through (plus the final 1).
    expect(busy.length).toBeGreaterThan(2);
    expect(busy.length).toBeLessThanOrEqual(Math.ceil((busy.at(-1)!.at - busy[0]!.at) / 100) + 2);
    expect(previews.length).toBeGreaterThanOrEqual(3);
    for (const p of previews) {
      expect(p.bytes).toBeLessThanOrEqual(64 * 1024);
      expect(Math.max(p.width, p.height)).toBeLessThanOrEqual(512);
    }
  });

  it("weighs each step by its expected time, so a quick first step is not half the job", async () => {
    const overallAt = new Map<number, number>();
    const run = (weights?: number[]) =>
      runPipeline(
        { steps: [{ step: "normalize" }, { step: "busy", params: { ms: 50 } }] },
        [fixture("coffee.png")],
        {
          env: testEnv,
          catalogue: steps,
          weights,
          events: {
            progress: (e) => {
              if (e.index === 0 && e.fraction === 1) overallAt.set(weights?.[1] ?? -1, e.overall);
            },
          },
        },
      );
    // normalize declares 150 ms a picture, the busy test step nothing (the default, 500 ms).
    await run();
    expect(overallAt.get(-1)).toBeCloseTo(150 / 650, 3);
    // Durations learned from earlier jobs win over declared estimates.
    await run([100, 3900]);
    expect(overallAt.get(3900)).toBeCloseTo(100 / 4000, 3);
  });

  it("stops between steps with CANCELLED when aborted", async () => {
    const controller = new AbortController();
    const finished: string[] = [];
    const run = runPipeline(
      { steps: [{ step: "busy", params: { ms: 200 } }, { step: "cartoonize" }] },
      [fixture("chelsea.png")],
      {
        env: testEnv,
        catalogue: steps,
        signal: controller.signal,
        events: {
          stepFinished: (e) => finished.push(e.step),
          stepStarted: (e) => e.step === "busy" && setTimeout(() => controller.abort(), 50),
        },
      },
    );
    await expect(run).rejects.toMatchObject({ code: "CANCELLED" });
    expect(finished).not.toContain("cartoonize");
  });

  it("rejects unknown steps and bad params with the path", () => {
    expect(() => parsePipelineSpec({ steps: [{ step: "normalize" }, { step: "nope" }] }, steps)).toThrow(
      expect.objectContaining({
        code: "VALIDATION_ERROR",
        details: expect.objectContaining({ path: ["steps", 1, "step"] }),
      }),
    );
    expect(() =>
      parsePipelineSpec({ steps: [{ step: "repurpose", params: { fill: "glitter" } }] }, steps),
    ).toThrow(
      expect.objectContaining({
        code: "VALIDATION_ERROR",
        details: expect.objectContaining({ path: ["steps", 0, "params", "fill"] }),
      }),
    );
    expect(() => parsePipelineSpec({ steps: [] }, steps)).toThrow(
      expect.objectContaining({ code: "VALIDATION_ERROR" }),
    );
  });

  it("refuses a catalogue with two steps of one name", () => {
    expect(() => buildCatalogue([normalizeStep, normalizeStep])).toThrow(
      /Two pipeline steps are named "normalize"/,
    );
  });
});

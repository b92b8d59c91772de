import { AppError } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { catalogue } from "../catalogue.ts";
import { testCatalogue } from "./index.ts";
import { runPipeline } from "../runPipeline.ts";
import type { Artifact, PipelineEnv } from "../step.ts";

const env: PipelineEnv = { maxInputPixels: 10_000_000, executionProviders: ["cpu"] };
const input: Artifact = { name: "note", mediaType: "application/json", data: Buffer.from("{}") };

describe("diagnostic step", () => {
  it("reports progress ticks and hands its inputs on", async () => {
    const fractions: number[] = [];
    const result = await runPipeline(
      { steps: [{ step: "diagnostic", params: { ms: 60, ticks: 3 } }] },
      [input],
      {
        env,
        catalogue: testCatalogue,
        progressIntervalMs: 0,
        events: { progress: (e) => fractions.push(e.fraction) },
      },
    );
    expect(result.images[0]?.data.toString()).toBe("{}");
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.length).toBeGreaterThanOrEqual(3);
  });

  it("fails with the asked code while the attempt is within failTimes", async () => {
    const spec = { steps: [{ step: "diagnostic", params: { failTimes: 2, failWith: "TIMEOUT" } }] };
    const second = runPipeline(spec, [input], { env: { ...env, attempt: 2 }, catalogue: testCatalogue });
    await expect(second).rejects.toMatchObject({ code: "TIMEOUT" });
    await expect(
      runPipeline(spec, [input], { env: { ...env, attempt: 3 }, catalogue: testCatalogue }),
    ).resolves.toBeTruthy();
  });

  it("stops within a tick of being cancelled", async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    const run = runPipeline({ steps: [{ step: "diagnostic", params: { ms: 5000 } }] }, [input], {
      env,
      catalogue: testCatalogue,
      signal: controller.signal,
    });
    await expect(run).rejects.toBeInstanceOf(AppError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("declares its memory per variant", () => {
    expect(testCatalogue.get("diagnostic")?.vramMb).toBe(0);
    expect(testCatalogue.get("diagnostic-4g")?.vramMb).toBe(4096);
    expect(testCatalogue.get("diagnostic-8g")?.vramMb).toBe(8192);
  });

  it("is not in the production catalogue, so no installation can run it", () => {
    expect([...catalogue.keys()].filter((name) => name.startsWith("diagnostic"))).toEqual([]);
  });
});

/**
 * A printable figurine from one photo, end to end (normalize, remove-background, cartoonize,
 * figurine: solid, print checks, GLB/STL/3MF, render), against the remove-background preset on the
 * same photo in the same run: how much the 3D part adds to the cut-out it starts from. Models are
 * warmed up first; medians of three runs each, interleaved. Run alone: `npx tsx bench/figurine.ts`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixturesDir } from "@atelier/shared/testing";
import { catalogue } from "../packages/pipeline/src/catalogue.ts";
import { releaseSessions } from "../packages/pipeline/src/models/sessionPool.ts";
import { parsePipelineSpec } from "../packages/pipeline/src/pipelineSpec.ts";
import { presetSpec } from "../packages/pipeline/src/presets.ts";
import { runPipeline } from "../packages/pipeline/src/runPipeline.ts";
import type { PipelineEnv } from "../packages/pipeline/src/step.ts";
import { type BenchResult, runIfMain } from "./result.ts";

const env: PipelineEnv = { maxInputPixels: 40_000_000, executionProviders: ["cpu"] };
const ROUNDS = 3;

async function timePreset(name: string, params: Record<string, unknown>, image: Buffer): Promise<number> {
  const spec = parsePipelineSpec(presetSpec(name, params), catalogue);
  const started = performance.now();
  await runPipeline(spec, [{ name: "coffee", mediaType: "image/png", data: image }], { env });
  return performance.now() - started;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;

export async function run(): Promise<BenchResult[]> {
  const image = readFileSync(join(fixturesDir, "coffee.png"));
  await timePreset("figurine", { heightMm: 100, name: "Espresso" }, image);
  const figurine: number[] = [];
  const cutout: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    cutout.push(await timePreset("remove-background", {}, image));
    figurine.push(await timePreset("figurine", { heightMm: 100, name: "Espresso" }, image));
  }
  await releaseSessions();
  return [
    {
      name: "figurine_ms",
      value: Math.round(median(figurine)),
      unit: "ms",
      baseline: Math.round(median(cutout)),
    },
  ];
}

await runIfMain(import.meta.url, run);

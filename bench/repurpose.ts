/**
 * Repurpose, measured two ways.
 *
 * The whole preset as people run it (`repurpose_preset_ms`, bench/support/repurposePreset.ts):
 * `presetSpec("repurpose")` through `runPipeline` on each fixture photo, the analysis included
 * (ISNet subject mask, tiny face detector, PP-OCRv4 text detection and recognition, all real
 * models), against its natural baseline: one ISNet pass plus bare sharp cover-resizes to the same
 * 10 formats.
 *
 * The crop planner alone (`repurpose_planner_only_*`): coffee.png (600x400) to the 10 built-in
 * formats through the repurpose step with a hand-made analysis, so NO model runs; against bare
 * sharp doing the same 10 cover-resizes to JPEG, interleaved so both see the same machine load.
 * - repurpose_planner_only_10_formats: a 220x220 product box that fits every format's crop, so the
 *   step does the same work as bare sharp (crop + resize + JPEG) plus its own overhead (safe
 *   decoding, crop planning);
 * - repurpose_planner_only_10_formats_extended: the whole cup and saucer (330x330), which no crop
 *   of the wide and tall formats can hold, so 7 of 10 formats extend the canvas with a blurred
 *   fill; bare sharp just cuts the cup off, so this ratio is the price of keeping it.
 * Median of rounds.
 * Run alone: `npx tsx bench/repurpose.ts`.
 */
import { join } from "node:path";
import { fixturesDir } from "@atelier/shared/testing";
import { readFileSync } from "node:fs";
import type { ImageAnalysis } from "../packages/pipeline/src/analysis.ts";
import { builtInFormats } from "../packages/pipeline/src/formats.ts";
import { repurposeStep } from "../packages/pipeline/src/steps/repurpose.ts";
import { runStep } from "../packages/pipeline/src/testing/stepHarness.ts";
import { type BenchResult, runIfMain } from "./result.ts";
import { comparePreset, median, sharpToEveryFormat } from "./support/repurposePreset.ts";

const image = readFileSync(join(fixturesDir, "coffee.png"));
const analysisWith = (subject: ImageAnalysis["subject"]): ImageAnalysis => ({
  width: 600,
  height: 400,
  subject,
  faces: [],
  texts: [],
  colours: [],
});
const fitting = analysisWith({ x: 190, y: 60, width: 220, height: 220 });
const wholeCup = analysisWith({ x: 150, y: 20, width: 330, height: 330 });
const ROUNDS = 9;

async function throughStep(analysis: ImageAnalysis): Promise<number> {
  const started = performance.now();
  const { result } = await runStep(repurposeStep, { analysis, output: "jpeg" }, [
    { name: "coffee", mediaType: "image/png", data: image },
  ]);
  if (result.images.length !== builtInFormats.length)
    throw new Error("repurpose gave the wrong number of images");
  return performance.now() - started;
}

async function bareSharp(): Promise<number> {
  const started = performance.now();
  await sharpToEveryFormat(image);
  return performance.now() - started;
}

async function compare(name: string, analysis: ImageAnalysis): Promise<BenchResult> {
  await throughStep(analysis);
  await bareSharp();
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      ours.push(await throughStep(analysis));
      baseline.push(await bareSharp());
    } else {
      baseline.push(await bareSharp());
      ours.push(await throughStep(analysis));
    }
  }
  return { name, value: Math.round(median(ours)), unit: "ms", baseline: Math.round(median(baseline)) };
}

export async function run(): Promise<BenchResult[]> {
  return [
    await comparePreset(),
    await compare("repurpose_planner_only_10_formats", fitting),
    await compare("repurpose_planner_only_10_formats_extended", wholeCup),
  ];
}

await runIfMain(import.meta.url, run);

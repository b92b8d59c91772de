/**
 * The `repurpose` preset end to end, as the CLI and a node run it: normalize, then repurpose with
 * no stored analysis, so the step finds the subject (ISNet), faces (tiny face detector) and text
 * (PP-OCRv4 detection + recognition) before it plans and renders the 10 built-in formats. The
 * baseline is what any tool that keeps the subject needs at least: one ISNet pass, then bare sharp
 * cover-resizes of the photo to the same 10 formats (JPEG). Both sides share the same model
 * workers; each image is run once on each side per round, the order alternating, after a warm-up
 * of both (model loads are not counted). Median of every image and round; stops adding rounds
 * after TIME_BUDGET_MS so a loaded machine cannot hold the whole bench.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "@atelier/shared";
import { fixturesDir } from "@atelier/shared/testing";
import sharp from "sharp";
import { segmentSubject } from "../../packages/pipeline/src/analysis/segmentSubject.ts";
import { builtInFormats } from "../../packages/pipeline/src/formats.ts";
import { releaseSessions } from "../../packages/pipeline/src/models/sessionPool.ts";
import { presetSpec } from "../../packages/pipeline/src/presets.ts";
import { runPipeline } from "../../packages/pipeline/src/runPipeline.ts";
import type { PipelineEnv } from "../../packages/pipeline/src/step.ts";
import type { BenchResult } from "../result.ts";

const IMAGES = ["coffee.png", "chelsea.png", "text.png"];
const MAX_ROUNDS = 3;
const TIME_BUDGET_MS = 120_000;
const env: PipelineEnv = { maxInputPixels: 40_000_000, executionProviders: ["cpu"] };
const log = createLogger("bench", "silent");

async function preset(name: string, image: Buffer): Promise<number> {
  const started = performance.now();
  const result = await runPipeline(
    presetSpec("repurpose", {}),
    [{ name, mediaType: "image/png", data: image }],
    { env, log },
  );
  if (result.images.length !== builtInFormats.length) {
    throw new Error(`the repurpose preset gave ${result.images.length} images, not ${builtInFormats.length}`);
  }
  return performance.now() - started;
}

async function isnetAndSharp(image: Buffer): Promise<number> {
  const started = performance.now();
  await segmentSubject(image, env, new AbortController().signal);
  await sharpToEveryFormat(image);
  return performance.now() - started;
}

/** The baseline without Atelier: sharp's centre crop of the image to each built-in format, as JPEG. */
export async function sharpToEveryFormat(image: Buffer): Promise<void> {
  for (const format of builtInFormats) {
    await sharp(image)
      .resize(format.width, format.height, { fit: "cover", kernel: "lanczos3" })
      .jpeg({ quality: 88 })
      .toBuffer();
  }
}

/** The middle value (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function comparePreset(): Promise<BenchResult> {
  const images = IMAGES.map((name) => ({ name, data: readFileSync(join(fixturesDir, name)) }));
  try {
    // Warm-up: every model's worker started and its session open on both sides.
    await preset(images[0]!.name, images[0]!.data);
    await isnetAndSharp(images[0]!.data);
    const ours: number[] = [];
    const baseline: number[] = [];
    const started = performance.now();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (round > 0 && performance.now() - started > TIME_BUDGET_MS) break;
      for (const [i, image] of images.entries()) {
        if ((round + i) % 2 === 0) {
          ours.push(await preset(image.name, image.data));
          baseline.push(await isnetAndSharp(image.data));
        } else {
          baseline.push(await isnetAndSharp(image.data));
          ours.push(await preset(image.name, image.data));
        }
      }
    }
    console.error(
      `   repurpose preset per image (ms): ${ours.map(Math.round).join(", ")}; ISNet + sharp: ${baseline
        .map(Math.round)
        .join(", ")}`,
    );
    return {
      name: "repurpose_preset_ms",
      value: Math.round(median(ours)),
      unit: "ms",
      baseline: Math.round(median(baseline)),
    };
  } finally {
    await releaseSessions();
  }
}

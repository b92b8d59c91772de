/**
 * `moderate` per image (NSFWJS MobileNetV2 converted to ONNX, on the CPU) over the three test photos,
 * against decoding and shrinking the same images to the model's 224 px with sharp alone: the part
 * of the time the network itself takes. Median over ten passes after a warm-up that loads the model.
 * Run alone: `npx tsx bench/moderate.ts`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixturesDir } from "@atelier/shared/testing";
import sharp from "sharp";
import { releaseSessions } from "../packages/pipeline/src/models/sessionPool.ts";
import { moderateStep } from "../packages/pipeline/src/steps/moderate.ts";
import { runStep } from "../packages/pipeline/src/testing/stepHarness.ts";
import { type BenchResult, runIfMain } from "./result.ts";

const PASSES = 10;

async function moderate(image: Buffer): Promise<number> {
  const started = performance.now();
  await runStep(moderateStep, {}, [{ name: "input", mediaType: "image/png", data: image }]);
  return performance.now() - started;
}

async function decodeOnly(image: Buffer): Promise<number> {
  const started = performance.now();
  await sharp(image).resize(224, 224, { fit: "fill" }).removeAlpha().raw().toBuffer();
  return performance.now() - started;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;

export async function run(): Promise<BenchResult[]> {
  const images = ["coffee.png", "chelsea.png", "text.png"].map((f) => readFileSync(join(fixturesDir, f)));
  await moderate(images[0]!);
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    for (const image of images) {
      ours.push(await moderate(image));
      baseline.push(await decodeOnly(image));
    }
  }
  await releaseSessions();
  const round1 = (v: number) => Math.round(v * 10) / 10;
  return [
    {
      name: "moderate_ms_per_image",
      value: round1(median(ours)),
      unit: "ms",
      baseline: round1(median(baseline)),
    },
  ];
}

await runIfMain(import.meta.url, run);

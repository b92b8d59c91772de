import type { PlannedStep } from "./pipelineSpec.ts";
import type { ImageSize, SizePlanEnv } from "./step.ts";

/** A job's price, split as it is charged: what runs cost, and what the megapixels handed on cost. */
export interface JobPrice {
  /** Whole credits, rounded up; what `jobs.create` reserves. */
  credits: number;
  perRun: number;
  perMegapixel: number;
  /** Megapixels the priced steps plan to hand on (upper bounds, from each step's size plan). */
  megapixels: number;
  /** Pixels of the images the last step plans to hand on: what the job's outputs are measured against. */
  outputPixels: number;
}

/**
 * The price of a job from its steps' declared prices and the sizes each step plans to hand on (the same
 * chain `planJobSize` walks): per run (once per image for an "image" step, once for "images"), plus per
 * megapixel handed on. At least one credit: every job is metered.
 */
export function priceJob(steps: PlannedStep[], inputs: ImageSize[], env: SizePlanEnv): JobPrice {
  let images = inputs;
  let perRun = 0;
  let perMegapixel = 0;
  let megapixels = 0;
  for (const { definition, params } of steps) {
    const plan = (some: ImageSize[]) => definition.plannedOutputs?.(params, some, env) ?? some;
    const runs = definition.takes === "image" ? images.length : 1;
    images = definition.takes === "image" ? images.flatMap((image) => plan([image])) : plan(images);
    const price = definition.price;
    if (!price) continue;
    const mp = images.reduce((sum, i) => sum + (i.width * i.height) / 1e6, 0);
    perRun += (price.perRun ?? 0) * runs;
    perMegapixel += (price.perMegapixel ?? 0) * mp;
    if (price.perMegapixel) megapixels += mp;
  }
  const outputPixels = images.reduce((sum, i) => sum + i.width * i.height, 0);
  return { credits: creditsOf(perRun + perMegapixel), perRun, perMegapixel, megapixels, outputPixels };
}

/**
 * What a finished job used: its runs as priced, and its megapixels scaled by what it really handed on
 * (`actualPixels`, the outputs' pixels) against what was planned (`plannedPixels`, `outputPixels`). Never more than the
 * price reserved, since plans are upper bounds.
 */
export function usedCredits(
  price: Pick<JobPrice, "perRun" | "perMegapixel" | "credits">,
  plannedPixels: number,
  actualPixels: number,
): number {
  if (price.credits <= 0) return 0;
  const scale = plannedPixels > 0 ? Math.min(1, actualPixels / plannedPixels) : 1;
  return Math.min(price.credits, creditsOf(price.perRun + price.perMegapixel * scale));
}

function creditsOf(value: number): number {
  // Float sums like 0.1 * 3 must not round 0.30000000000000004 up to an extra credit.
  return Math.max(1, Math.ceil(Math.round(value * 1e6) / 1e6));
}

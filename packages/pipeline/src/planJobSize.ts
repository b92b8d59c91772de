import { AppError } from "@atelier/shared";
import type { PlannedStep } from "./pipelineSpec.ts";
import type { ImageSize, SizePlanEnv } from "./step.ts";

export interface JobSizeLimits {
  /** Most pixels a job may produce over all its steps (the work it asks for). */
  maxTotalPixels: number;
  /** Largest single image any step may produce (an output must be usable as an input again). */
  maxImagePixels: number;
}

export interface JobSizePlan {
  totalPixels: number;
  largest: ImageSize & { step: string; index: number };
}

/**
 * The pixels a job would produce, step by step, from its inputs' sizes and each step's size plan
 * (`plannedOutputs`, an upper bound): the product of every parameter that multiplies work (assets,
 * formats, scale, canvas sizes) in one figure.
 */
export function planJobSize(steps: PlannedStep[], inputs: ImageSize[], env: SizePlanEnv): JobSizePlan {
  let images = inputs;
  let totalPixels = 0;
  let largest: JobSizePlan["largest"] = { width: 0, height: 0, step: "", index: -1 };
  for (const [index, { definition, params }] of steps.entries()) {
    const plan = (some: ImageSize[]) => definition.plannedOutputs?.(params, some, env) ?? some;
    images = definition.takes === "image" ? images.flatMap((image) => plan([image])) : plan(images);
    for (const image of images) {
      totalPixels += image.width * image.height;
      if (image.width * image.height > largest.width * largest.height)
        largest = { ...image, step: definition.name, index };
    }
  }
  return { totalPixels, largest };
}

/** VALIDATION_ERROR, saying which figure is over and by how much, when a job is larger than the limits. */
export function assertJobSizeWithin(plan: JobSizePlan, limits: JobSizeLimits): void {
  const mp = (pixels: number) => Math.round(pixels / 1e5) / 10;
  const { largest } = plan;
  if (largest.width * largest.height > limits.maxImagePixels) {
    throw new AppError(
      "VALIDATION_ERROR",
      `Step ${largest.index + 1} (${largest.step}) would make a ${largest.width}×${largest.height} image (${mp(largest.width * largest.height)} MP); the largest image this server makes is ${mp(limits.maxImagePixels)} MP.`,
      {
        path: ["steps", largest.index],
        megapixels: mp(largest.width * largest.height),
        maxMegapixels: mp(limits.maxImagePixels),
      },
    );
  }
  if (plan.totalPixels > limits.maxTotalPixels) {
    throw new AppError(
      "VALIDATION_ERROR",
      `This job would produce about ${mp(plan.totalPixels)} MP; one job may produce at most ${mp(limits.maxTotalPixels)} MP. Run it on fewer images or formats, or at smaller sizes.`,
      { megapixels: mp(plan.totalPixels), maxMegapixels: mp(limits.maxTotalPixels) },
    );
  }
}

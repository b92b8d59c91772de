import { AppError, defaultOrgRules } from "@atelier/shared";
import { z } from "zod";
import { type Availability, defineStep, type PipelineEnv } from "../step.ts";

/**
 * Why there is no moderation model. The only permissively licensed classifier on npm is
 * nsfwjs (MIT code and weights, MobileNetV2 5-class, weights inside the package), but npm
 * installs its required peer @tensorflow/tfjs with it: about 310 MB for nsfwjs (41 MB) and
 * the TensorFlow.js packages, over the project's budget for one step, and its Keras weights
 * would still need converting for onnxruntime. A score that no model produced is never given.
 */
export const moderationUnavailableReason =
  "No image moderation model is installed: the only permissively licensed one on npm (nsfwjs, MIT) " +
  "pulls in TensorFlow.js (~310 MB) and is not shipped. See packages/pipeline/MODELS.md.";

export const moderateParams = z.object({
  /** Score (0..1) of an unsafe class above which the image is flagged; the organization's rule when omitted. */
  threshold: z.number().min(0).max(1).optional(),
});

/** The score (0..1) above which an image is flagged: the run's, else the organization's saved percent. */
export function moderationThreshold(params: z.infer<typeof moderateParams>, env: PipelineEnv): number {
  return params.threshold ?? (env.org?.moderationThreshold ?? defaultOrgRules.moderationThreshold) / 100;
}

export const moderateStep = defineStep({
  name: "moderate",
  description: "Scores the image for nudity and sexual content and flags it over a threshold.",
  params: moderateParams,
  takes: "image",
  gives: "moderation",
  vramMb: 0,
  models: [],
  availability(): Availability {
    return { available: false, reason: moderationUnavailableReason };
  },
  async run(ctx) {
    throw new AppError("STEP_UNAVAILABLE", moderationUnavailableReason, {
      step: "moderate",
      threshold: moderationThreshold(ctx.params, ctx.env),
    });
  },
});

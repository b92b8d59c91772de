import { z } from "zod";
import { throwIfCancelled } from "../analysis/throwIfCancelled.ts";
import { modelsAvailable } from "../models/modelAvailability.ts";
import { MODERATION_MODEL, scoreImage } from "../moderation/scoreImage.ts";
import { isHeld, orgModerationThreshold } from "../moderation/threshold.ts";
import { defineStep } from "../step.ts";

export const moderateParams = z.object({
  /**
   * Unsafe score (porn + hentai + sexy, 0..1) at or above which the image is flagged; the
   * organization's moderation threshold when not given.
   */
  threshold: z.number().min(0).max(1).optional(),
});

export const moderateStep = defineStep({
  name: "moderate",
  description:
    "Scores the image for drawing, hentai, neutral, porn and sexy content (NSFWJS MobileNetV2) and flags it at the threshold.",
  params: moderateParams,
  takes: "image",
  gives: "moderation",
  vramMb: 100,
  price: { perRun: 1 },
  expectedMs: 800,
  models: [MODERATION_MODEL],
  availability(env) {
    return modelsAvailable([MODERATION_MODEL], env);
  },
  async run(ctx) {
    const input = ctx.inputs[0];
    if (!input) return { images: [] };
    ctx.progress(0, "scoring");
    const result = await scoreImage(input.data, ctx.env, ctx.signal);
    throwIfCancelled(ctx.signal);
    const threshold = ctx.params.threshold ?? orgModerationThreshold(ctx.env);
    const flagged = isHeld(result.unsafe, threshold);
    ctx.progress(1, flagged ? "flagged" : "done");
    const moderation = { ...result, threshold, flagged };
    return {
      images: [{ ...input, meta: { ...input.meta, moderation } }],
      data: moderation,
    };
  },
});

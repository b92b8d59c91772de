import { defaultOrgRules } from "@atelier/shared";
import type { PipelineEnv } from "../step.ts";

/** The organization's threshold as a 0..1 score: its saved percent, or the default rule's. */
export function orgModerationThreshold(env: Pick<PipelineEnv, "org">): number {
  return (env.org?.moderationThreshold ?? defaultOrgRules.moderationThreshold) / 100;
}

/** Held or flagged when the unsafe score reaches the threshold, so a threshold of 0 holds everything. */
export function isHeld(unsafe: number, threshold: number): boolean {
  return unsafe >= threshold;
}

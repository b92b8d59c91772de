import { type Database, eq, schema } from "@atelier/db";
import { isHeld, type PipelineEnv, scoreImage } from "@atelier/pipeline";
import {
  isAppError,
  type Logger,
  type ModerationView,
  orgRulesOrDefaults,
  type ReviewStatus,
} from "@atelier/shared";

/** What is stored on an asset or an output: the scores and the status they lead to. */
export interface ModerationResult {
  moderation: {
    scores: Record<string, number>;
    unsafe: number;
    model: string;
    thresholdPercent: number;
  } | null;
  reviewStatus: ReviewStatus;
}

/** The organization's moderation threshold in percent, for uploads (jobs get it with the org's settings). */
export async function moderationThresholdPercent(db: Database, orgId: string): Promise<number> {
  const [rules] = await db
    .select({ moderationThreshold: schema.orgRules.moderationThreshold })
    .from(schema.orgRules)
    .where(eq(schema.orgRules.orgId, orgId));
  return orgRulesOrDefaults(rules).moderationThreshold;
}

/**
 * Scores one image and says whether it is held: at or over the threshold (so 0 holds everything).
 * Without the model (not installed, damaged) the image stays `unchecked` rather than invent a score.
 */
export async function moderateImage(
  bytes: Buffer,
  env: Pick<PipelineEnv, "maxInputPixels" | "executionProviders" | "modelsDir" | "log">,
  thresholdPercent: number,
  log: Logger,
): Promise<ModerationResult> {
  try {
    const result = await scoreImage(bytes, env);
    const held = isHeld(result.unsafe, thresholdPercent / 100);
    return {
      moderation: { scores: result.scores, unsafe: result.unsafe, model: result.model, thresholdPercent },
      reviewStatus: held ? "held" : "passed",
    };
  } catch (err) {
    if (isAppError(err, "STEP_UNAVAILABLE") || isAppError(err, "MODEL_INTEGRITY")) {
      log.warn({ err }, "moderation model unavailable; image left unchecked");
      return { moderation: null, reviewStatus: "unchecked" };
    }
    throw err;
  }
}

/** The moderation part of an asset or output view. */
export function moderationViewOf(
  row: { moderation: unknown; reviewStatus: ReviewStatus },
  reason: string | null = null,
): ModerationView {
  const stored = row.moderation as ModerationResult["moderation"];
  return {
    status: row.reviewStatus,
    scores: stored
      ? {
          drawing: stored.scores.drawing ?? 0,
          hentai: stored.scores.hentai ?? 0,
          neutral: stored.scores.neutral ?? 0,
          porn: stored.scores.porn ?? 0,
          sexy: stored.scores.sexy ?? 0,
        }
      : null,
    unsafe: stored?.unsafe ?? null,
    reason,
  };
}

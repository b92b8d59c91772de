import { type Database, eq, schema } from "@atelier/db";
import { analyzeImage, type ImageAnalysis, type PipelineEnv } from "@atelier/pipeline";
import { isAppError, type Logger } from "@atelier/shared";
import { getVerified, type ObjectStorage } from "@atelier/storage";

export interface AssetAnalysisContext {
  db: Database;
  storage: ObjectStorage;
  pipelineEnv: PipelineEnv;
  log: Logger;
}

type AnalysedAsset = Pick<
  typeof schema.assets.$inferSelect,
  "id" | "orgId" | "storageKey" | "sha256" | "filename"
>;

/** Analyses under way in this process: a gallery, its renditions and a job asking at once share one run. */
const running = new Map<string, Promise<ImageAnalysis | null>>();

/** The stored analysis of an asset's original, or null when there is none yet (nothing is computed). */
export async function storedAnalysis(db: Database, assetId: string): Promise<ImageAnalysis | null> {
  const [row] = await db
    .select({ analysis: schema.assetAnalyses.analysis })
    .from(schema.assetAnalyses)
    .where(eq(schema.assetAnalyses.assetId, assetId));
  return (row?.analysis as ImageAnalysis | null | undefined) ?? null;
}

/**
 * What is in an asset's original (subject, faces, text): found by the models once, then read from
 * `asset_analyses` by the format gallery, "Adjust crop" and every `repurpose` job alike. Null when no
 * model can run here (crops are then centred); that is not stored, so an installed model is used later.
 */
export async function assetAnalysis(
  ctx: AssetAnalysisContext,
  asset: AnalysedAsset,
): Promise<ImageAnalysis | null> {
  const stored = await storedAnalysis(ctx.db, asset.id);
  if (stored) return stored;
  let pending = running.get(asset.id);
  if (!pending) {
    pending = analyse(ctx, asset).finally(() => running.delete(asset.id));
    running.set(asset.id, pending);
  }
  return pending;
}

async function analyse(ctx: AssetAnalysisContext, asset: AnalysedAsset): Promise<ImageAnalysis | null> {
  const original = await getVerified(ctx.storage, asset.storageKey, asset.sha256, { what: asset.filename });
  let analysis: ImageAnalysis;
  try {
    analysis = await analyzeImage(original, {
      env: ctx.pipelineEnv,
      signal: new AbortController().signal,
      want: { subject: true, faces: true, text: true },
    });
  } catch (err) {
    if (isAppError(err) && (err.code === "STEP_UNAVAILABLE" || err.code === "MODEL_INTEGRITY")) {
      ctx.log.warn({ assetId: asset.id, reason: err.message }, "no analysis: crops are centred");
      return null;
    }
    throw err;
  }
  await ctx.db
    .insert(schema.assetAnalyses)
    .values({ assetId: asset.id, orgId: asset.orgId, analysis })
    .onConflictDoNothing();
  return analysis;
}

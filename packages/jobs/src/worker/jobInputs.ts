import { and, eq, inArray, schema } from "@atelier/db";
import { type Artifact, type ImageAnalysis, renderEditDocument } from "@atelier/pipeline";
import {
  AppError,
  analysisOfEdited,
  changesImage,
  type EditDocument,
  overrideInEdited,
  type Rect,
} from "@atelier/shared";
import { assetAnalysis } from "../assetAnalysis.ts";
import { getVerified } from "@atelier/storage";
import type { JobRow } from "../jobRow.ts";
import { orgPipelineSettings } from "../orgPipelineSettings.ts";
import { documentsAtRevisions } from "./documentsAtRevisions.ts";
import type { WorkerContext } from "./workerContext.ts";

/** Steps that choose crops or text places from an analysis of the image. */
const stepsUsingAnalysis = new Set(["repurpose", "text-overlay"]);

/**
 * The job's input assets as artifacts, in the order the job names them: each original with its edit
 * document applied at the revision pinned when the job was submitted, at full resolution. An asset without
 * edits (or submitted with source "original") is its original bytes, not re-encoded.
 *
 * For steps that plan crops, each input carries the asset's stored analysis moved into its pixels
 * (`meta.analysis`) and the formats' own crops (`meta.formatRegions`), so the job cuts what the format
 * gallery showed.
 * Originals are read only if they still have the SHA-256 recorded when they were validated (CONFLICT).
 */
export async function loadJobInputs(
  ctx: Pick<WorkerContext, "db" | "storage" | "maxInputBytes" | "pipelineEnv" | "log">,
  job: JobRow,
): Promise<Artifact[]> {
  const steps = (job.spec as { steps: Array<{ step: string; params?: Record<string, unknown> }> }).steps;
  // A step handed an analysis in its params needs none from the asset.
  const plansCrops = steps.some((s) => stepsUsingAnalysis.has(s.step) && s.params?.analysis === undefined);
  const rows = job.assetIds.length
    ? await ctx.db
        .select()
        .from(schema.assets)
        .where(and(eq(schema.assets.orgId, job.orgId), inArray(schema.assets.id, job.assetIds)))
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = job.assetIds.filter((id) => byId.get(id)?.status !== "ready");
  if (missing.length > 0) {
    throw new AppError(
      "NOT_FOUND",
      "Some input images of this job were deleted or never finished uploading.",
      {
        missing,
      },
    );
  }
  const pinned = new Map(
    job.assetIds
      .map((id) => [id, job.inputRevisions[id] ?? 0] as const)
      .filter(([, revision]) => revision > 0),
  );
  // Overlays use the organization's text styles: read them only when there is something to render.
  const [documents, org] =
    pinned.size > 0
      ? await Promise.all([documentsAtRevisions(ctx.db, pinned), orgPipelineSettings(ctx.db, job.orgId)])
      : [new Map(), undefined];
  return Promise.all(
    job.assetIds.map(async (id) => {
      const asset = byId.get(id)!;
      // The bytes checked at upload, or nothing: a swapped original is never processed.
      const data = await getVerified(ctx.storage, asset.storageKey, asset.sha256, {
        maxBytes: ctx.maxInputBytes,
        what: asset.filename,
      });
      const name = asset.filename.replace(/\.[^.]+$/, "") || asset.id;
      const document: EditDocument | undefined = documents.get(id);
      const analysis = plansCrops ? await assetAnalysis(ctx, asset) : null;
      if (document && changesImage(document)) {
        const edited = await renderEditDocument(data, document, {
          env: { ...ctx.pipelineEnv, org },
          intermediate: true,
        });
        return {
          name,
          mediaType: edited.mediaType,
          data: edited.data,
          width: edited.width,
          height: edited.height,
          meta: {
            assetId: asset.id,
            revision: pinned.get(id),
            ...planningMeta(analysis, document, edited.width, edited.height),
          },
        } satisfies Artifact;
      }
      const size = { width: asset.width ?? analysis?.width, height: asset.height ?? analysis?.height };
      return {
        name,
        mediaType: asset.mediaType ?? asset.declaredType,
        data,
        width: asset.width ?? undefined,
        height: asset.height ?? undefined,
        meta: {
          assetId: asset.id,
          ...(size.width && size.height ? planningMeta(analysis, document, size.width, size.height) : {}),
        },
      } satisfies Artifact;
    }),
  );
}

/** The analysis and the formats' own crops, in the pixels of an input of width×height. */
function planningMeta(
  analysis: ImageAnalysis | null,
  document: EditDocument | undefined,
  width: number,
  height: number,
): {
  analysis?: ImageAnalysis;
  formatRegions?: { width: number; height: number; regions: Record<string, Rect> };
} {
  const meta: ReturnType<typeof planningMeta> = {};
  if (analysis) meta.analysis = { ...analysis, ...analysisOfEdited(analysis, document?.crop, width, height) };
  const overrides = Object.entries(document?.formatOverrides ?? {}).flatMap(([formatId, o]) =>
    o.crop ? [[formatId, overrideInEdited(o.crop, document?.crop, width, height)] as const] : [],
  );
  if (overrides.length > 0) meta.formatRegions = { width, height, regions: Object.fromEntries(overrides) };
  return meta;
}

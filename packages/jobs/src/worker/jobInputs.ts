import { and, eq, inArray, schema } from "@atelier/db";
import { type Artifact, renderEditDocument } from "@atelier/pipeline";
import { AppError, changesImage } from "@atelier/shared";
import type { JobRow } from "../jobRow.ts";
import { orgPipelineSettings } from "../orgPipelineSettings.ts";
import { documentsAtRevisions } from "./documentsAtRevisions.ts";
import type { WorkerContext } from "./workerContext.ts";

/**
 * The job's input assets as artifacts, in the order the job names them: each original with its edit
 * document applied at the revision pinned when the job was submitted, at full resolution. An asset without
 * edits (or submitted with source "original") is its original bytes, not re-encoded.
 */
export async function loadJobInputs(
  ctx: Pick<WorkerContext, "db" | "storage" | "maxInputBytes" | "pipelineEnv">,
  job: JobRow,
): Promise<Artifact[]> {
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
      const data = await ctx.storage.get(asset.storageKey, { maxBytes: ctx.maxInputBytes });
      const name = asset.filename.replace(/\.[^.]+$/, "") || asset.id;
      const document = documents.get(id);
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
          meta: { assetId: asset.id, revision: pinned.get(id) },
        } satisfies Artifact;
      }
      return {
        name,
        mediaType: asset.mediaType ?? asset.declaredType,
        data,
        width: asset.width ?? undefined,
        height: asset.height ?? undefined,
        meta: { assetId: asset.id },
      } satisfies Artifact;
    }),
  );
}

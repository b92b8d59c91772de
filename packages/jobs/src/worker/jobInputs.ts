import { and, eq, inArray, schema } from "@atelier/db";
import type { Artifact } from "@atelier/pipeline";
import { AppError } from "@atelier/shared";
import type { JobRow } from "../jobRow.ts";
import type { WorkerContext } from "./workerContext.ts";

/** The job's input assets as artifacts, in the order the job names them, read from their originals. */
export async function loadJobInputs(
  ctx: Pick<WorkerContext, "db" | "storage" | "maxInputBytes">,
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
  return Promise.all(
    job.assetIds.map(async (id) => {
      const asset = byId.get(id)!;
      const data = await ctx.storage.get(asset.storageKey, { maxBytes: ctx.maxInputBytes });
      return {
        name: asset.filename.replace(/\.[^.]+$/, "") || asset.id,
        mediaType: asset.mediaType ?? asset.declaredType,
        data,
        width: asset.width ?? undefined,
        height: asset.height ?? undefined,
        meta: { assetId: asset.id },
      } satisfies Artifact;
    }),
  );
}

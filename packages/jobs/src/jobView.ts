import { and, asc, type Database, eq, inArray, isNull, schema } from "@atelier/db";
import { isWithheld, type JobOutputView, type JobStepView, type JobView } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import type { JobOutputRow, JobRow } from "./jobRow.ts";
import { moderationViewOf } from "./moderation/moderateImage.ts";

type StepRow = typeof schema.jobSteps.$inferSelect;

/** How long a download link in a job view stays valid. */
export const OUTPUT_URL_TTL_SEC = 60 * 60;

/**
 * The one description of an output, for `jobs.get`, `jobs.list` and the live `job.succeeded` event
 * alike, so a link reads the same wherever it came from.
 */
export async function toOutputView(
  storage: ObjectStorage,
  row: JobOutputRow,
  reason: string | null = null,
): Promise<JobOutputView> {
  // A held or rejected output gets no link at all: nothing to share, nothing for a webhook to send.
  const withheld = isWithheld(row.reviewStatus);
  // Outputs stored before file names were kept are saved under their key's last part.
  const fileName = row.fileName ?? row.storageKey.slice(row.storageKey.lastIndexOf("/") + 1);
  const [url, thumbnailUrl] = withheld
    ? [null, null]
    : await Promise.all([
        storage.createDownloadUrl(row.storageKey, {
          expiresInSec: OUTPUT_URL_TTL_SEC,
          contentType: row.mediaType,
          filename: fileName,
        }),
        row.thumbnailKey
          ? storage.createDownloadUrl(row.thumbnailKey, {
              expiresInSec: OUTPUT_URL_TTL_SEC,
              contentType: "image/webp",
            })
          : null,
      ]);
  return {
    id: row.id,
    name: row.name,
    fileName,
    mediaType: row.mediaType,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    url,
    thumbnailUrl,
    moderation: moderationViewOf(row, reason),
  };
}

/** Jobs with their steps and outputs, in as many queries as there are tables, whatever the number of jobs. */
export async function toJobViews(db: Database, storage: ObjectStorage, jobs: JobRow[]): Promise<JobView[]> {
  if (jobs.length === 0) return [];
  const ids = jobs.map((j) => j.id);
  const [steps, outputs] = await Promise.all([
    db
      .select()
      .from(schema.jobSteps)
      .where(inArray(schema.jobSteps.jobId, ids))
      .orderBy(asc(schema.jobSteps.index)),
    db
      .select()
      .from(schema.jobOutputs)
      .where(and(inArray(schema.jobOutputs.jobId, ids), isNull(schema.jobOutputs.deletedAt)))
      .orderBy(asc(schema.jobOutputs.createdAt)),
  ]);
  return Promise.all(
    jobs.map(async (job) =>
      jobViewOf(
        job,
        steps.filter((s) => s.jobId === job.id),
        await Promise.all(outputs.filter((o) => o.jobId === job.id).map((o) => toOutputView(storage, o))),
      ),
    ),
  );
}

export async function loadJobView(db: Database, storage: ObjectStorage, jobId: string): Promise<JobView> {
  const rows = await db.select().from(schema.jobs).where(eq(schema.jobs.id, jobId));
  const [view] = await toJobViews(db, storage, rows);
  return view!;
}

/**
 * A job that waits for a node (submitted, retried, requeued, handed back): its steps are pending and it
 * has no outputs, so its view needs no query.
 */
export function queuedJobView(job: JobRow): JobView {
  const spec = job.spec as { steps: Array<{ step: string; expectedMs?: number }> };
  return jobViewOf(
    job,
    spec.steps.map((s, index) => ({
      index,
      step: s.step,
      status: "pending",
      progress: 0,
      expectedMs: s.expectedMs ?? null,
      startedAt: null,
      finishedAt: null,
    })),
    [],
  );
}

function jobViewOf(
  job: JobRow,
  steps: Array<
    Pick<StepRow, "index" | "step" | "status" | "progress" | "expectedMs" | "startedAt" | "finishedAt">
  >,
  outputs: JobOutputView[],
): JobView {
  const spec = job.spec as { preset?: string };
  const error = job.error as { code: string; message: string } | null;
  return {
    id: job.id,
    projectId: job.projectId,
    createdBy: job.createdBy,
    status: job.status,
    priority: job.priority,
    vramMb: job.vramMb,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    progress: job.progress,
    preset: spec.preset ?? null,
    assetIds: job.assetIds,
    inputRevisions: Object.fromEntries(job.assetIds.map((id) => [id, job.inputRevisions[id] ?? 0])),
    steps: steps.map(
      (s): JobStepView => ({
        index: s.index,
        step: s.step,
        status: s.status as JobStepView["status"],
        progress: s.progress,
        expectedMs: s.expectedMs,
        startedAt: s.startedAt?.toISOString() ?? null,
        finishedAt: s.finishedAt?.toISOString() ?? null,
      }),
    ),
    nodeId: job.nodeId,
    error: error ? { code: error.code, message: error.message } : null,
    outputs,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

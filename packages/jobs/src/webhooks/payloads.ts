import type { JobOutputRow, JobRow } from "../jobRow.ts";

/**
 * A job event's `data`: what a receiver needs to act, by ids and plain values. Output URLs are left
 * out (they expire); `jobs.get` with the id gives fresh ones.
 */
export function jobEventData(job: JobRow, outputs: readonly JobOutputRow[] = []): Record<string, unknown> {
  const spec = job.spec as { preset?: string } | null;
  return {
    id: job.id,
    projectId: job.projectId,
    status: job.status,
    preset: spec?.preset ?? null,
    attempt: job.attempt,
    error: job.error ?? null,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    outputs: outputs.map((o) => ({
      id: o.id,
      name: o.name,
      fileName: o.fileName,
      mediaType: o.mediaType,
      width: o.width,
      height: o.height,
      bytes: o.bytes,
    })),
  };
}

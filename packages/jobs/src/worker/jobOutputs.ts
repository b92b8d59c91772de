import { and, eq, inArray, schema } from "@atelier/db";
import { type Artifact, extensionOfMediaType } from "@atelier/pipeline";
import type { JobOutputView } from "@atelier/shared";
import type { JobRow } from "../jobMessage.ts";
import type { WorkerContext } from "./workerContext.ts";

export interface StoredOutput {
  name: string;
  storageKey: string;
  artifact: Artifact;
}

/** `orgs/<org>/jobs/<job>/attempt-<n>/`: attempts never overwrite each other's files. */
export function outputPrefix(job: Pick<JobRow, "orgId" | "id">, attempt: number): string {
  return `orgs/${job.orgId}/jobs/${job.id}/attempt-${attempt}/`;
}

/** Writes every artifact under the attempt's prefix with a unique, key-safe name. */
export async function storeOutputs(
  ctx: WorkerContext,
  job: JobRow,
  attempt: number,
  artifacts: Artifact[],
): Promise<StoredOutput[]> {
  const used = new Set<string>();
  const stored: StoredOutput[] = [];
  for (const artifact of artifacts) {
    const ext = extensionOfMediaType[artifact.mediaType] ?? "bin";
    const base = safeName(
      artifact.name.endsWith(`.${ext}`) ? artifact.name.slice(0, -ext.length - 1) : artifact.name,
    );
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    const storageKey = `${outputPrefix(job, attempt)}${name}.${ext}`;
    await ctx.storage.put(storageKey, artifact.data, artifact.mediaType);
    stored.push({ name, storageKey, artifact });
  }
  return stored;
}

/**
 * Records the outputs and the success in one transaction, only while this attempt is still the
 * job's current one and nobody ended it: a late or duplicate run gets null and records nothing.
 */
export async function recordSuccess(
  ctx: WorkerContext,
  job: JobRow,
  attempt: number,
  outputs: StoredOutput[],
): Promise<Array<typeof schema.jobOutputs.$inferSelect> | null> {
  return ctx.db.transaction(async (tx) => {
    const now = new Date();
    const [done] = await tx
      .update(schema.jobs)
      .set({ status: "succeeded", progress: 1, error: null, finishedAt: now, updatedAt: now })
      .where(
        and(
          eq(schema.jobs.id, job.id),
          eq(schema.jobs.attempt, attempt),
          inArray(schema.jobs.status, ["queued", "running"]),
        ),
      )
      .returning({ id: schema.jobs.id });
    if (!done) return null;
    await tx
      .update(schema.jobAttempts)
      .set({ finishedAt: now, error: null })
      .where(and(eq(schema.jobAttempts.jobId, job.id), eq(schema.jobAttempts.attempt, attempt)));
    if (outputs.length === 0) return [];
    return tx
      .insert(schema.jobOutputs)
      .values(
        outputs.map((o) => ({
          jobId: job.id,
          orgId: job.orgId,
          name: o.name,
          storageKey: o.storageKey,
          mediaType: o.artifact.mediaType,
          width: o.artifact.width ?? null,
          height: o.artifact.height ?? null,
          bytes: o.artifact.data.length,
          meta: o.artifact.meta ?? null,
        })),
      )
      .returning();
  });
}

export async function outputViews(
  ctx: WorkerContext,
  rows: Array<typeof schema.jobOutputs.$inferSelect>,
): Promise<JobOutputView[]> {
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      name: row.name,
      mediaType: row.mediaType,
      width: row.width,
      height: row.height,
      bytes: row.bytes,
      url: await ctx.storage.createDownloadUrl(row.storageKey, {
        expiresInSec: ctx.downloadUrlTtlSec,
        filename: row.storageKey.slice(row.storageKey.lastIndexOf("/") + 1),
      }),
    })),
  );
}

function safeName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 100);
  return cleaned || "output";
}

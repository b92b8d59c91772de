import type { AttemptError } from "@atelier/bus";
import { and, asc, type Database, eq, type Executor, isNull, schema } from "@atelier/db";
import type { AppError, Failure } from "@atelier/shared";
import type { JobOutputRow, JobRow } from "../jobRow.ts";
import type { StoredOutput } from "../worker/storeOutputs.ts";

/**
 * The rows a transition writes beside the job's own status, in the transaction the transition passes:
 * its attempts (`job_attempts`: one row per attempt, with the node and why it ended), its steps and its
 * outputs. The job's status itself is only ever written by JobLifecycle.
 */

const { jobSteps, jobAttempts, jobOutputs } = schema;

/** The attempt `attempt` started on `nodeId`; a takeover by the same attempt number starts it afresh. */
export async function startAttempt(tx: Executor, jobId: string, attempt: number, nodeId: string, now: Date) {
  await tx
    .insert(jobAttempts)
    .values({ jobId, attempt, nodeId, startedAt: now })
    .onConflictDoUpdate({
      target: [jobAttempts.jobId, jobAttempts.attempt],
      set: { nodeId, startedAt: now, finishedAt: null, error: null },
    });
}

export async function endAttempt(db: Executor, jobId: string, attempt: number, error: Failure | null) {
  await db
    .update(jobAttempts)
    .set({ finishedAt: new Date(), error })
    .where(
      and(eq(jobAttempts.jobId, jobId), eq(jobAttempts.attempt, attempt), isNull(jobAttempts.finishedAt)),
    );
}

/** Why an attempt ended when another node, or the stale sweep, took its job over. */
export function lostNode(from: string | null, to: string): Failure {
  return {
    code: "TIMEOUT",
    message: `Node ${from ?? "unknown"} stopped renewing its lease; ${to} took the job over as a new attempt.`,
  };
}

/** An error's details for its attempt row, when it has any. */
export function detailsOf(error: AppError): { details?: unknown } {
  return Object.keys(error.details).length > 0 ? { details: error.details } : {};
}

/** Every attempt's error from job_attempts: complete even when the bus lost a message's history. */
export async function attemptErrors(db: Database, jobId: string): Promise<AttemptError[]> {
  const rows = await db
    .select()
    .from(jobAttempts)
    .where(eq(jobAttempts.jobId, jobId))
    .orderBy(asc(jobAttempts.attempt));
  return rows
    .filter((r) => r.error !== null)
    .map((r) => {
      const e = r.error as Partial<Failure>;
      return {
        attempt: r.attempt,
        code: e.code ?? "INTERNAL",
        message: e.message ?? "",
        at: (r.finishedAt ?? r.startedAt).getTime(),
      };
    });
}

export async function resetSteps(db: Executor, jobId: string) {
  await db.update(jobSteps).set({ status: "pending", progress: 0 }).where(eq(jobSteps.jobId, jobId));
}

export function insertOutputs(
  tx: Executor,
  job: JobRow,
  outputs: readonly StoredOutput[],
): Promise<JobOutputRow[]> {
  return tx
    .insert(jobOutputs)
    .values(
      outputs.map((o) => ({
        jobId: job.id,
        orgId: job.orgId,
        name: o.name,
        fileName: o.fileName,
        storageKey: o.storageKey,
        thumbnailKey: o.thumbnailKey,
        mediaType: o.artifact.mediaType,
        width: o.artifact.width ?? null,
        height: o.artifact.height ?? null,
        bytes: o.artifact.data.length,
        meta: o.artifact.meta ?? null,
        moderation: o.moderation.moderation,
        reviewStatus: o.moderation.reviewStatus,
      })),
    )
    .returning();
}

import { and, eq, inArray, schema, sql } from "@atelier/db";
import type { JobStatus } from "@atelier/shared";

const { jobs } = schema;
/** A job waiting for a node or running on one. */
export const LIVE: JobStatus[] = ["queued", "running"];

/** The guard every move of a live job shares: only its current attempt, in one of these states, moves it. */
export function current(jobId: string, attempt: number, statuses: JobStatus[] = LIVE) {
  return and(eq(jobs.id, jobId), eq(jobs.attempt, attempt), inArray(jobs.status, statuses));
}

/** The columns of a job that waits for a node again, as attempt `attempt`. */
export function queuedAgain(attempt: number | ReturnType<typeof sql>) {
  return {
    status: "queued" as const,
    attempt,
    maxAttempts: sql`greatest(${jobs.maxAttempts}, ${attempt})`,
    error: null,
    progress: 0,
    nodeId: null,
    finishedAt: null,
    updatedAt: new Date(),
  };
}

import type { JobBus, PublishResult } from "@atelier/bus";
import { and, type Database, eq, inArray, schema, sql } from "@atelier/db";
import { AppError } from "@atelier/shared";
import { JOB_PUBLISH_TOPIC, type JobRow, jobMessage } from "./jobMessage.ts";

/**
 * Cancels a queued or running job: the row first (so no node starts or completes it after
 * this), then a signal to the node running it. Null when the job was not queued or running.
 * The caller tells the project (`job.cancelled`).
 */
export async function cancelJob(db: Database, bus: JobBus, jobId: string): Promise<JobRow | null> {
  const [job] = await db
    .update(schema.jobs)
    .set({ status: "cancelled", finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(schema.jobs.id, jobId), inArray(schema.jobs.status, ["queued", "running"])))
    .returning();
  if (!job) return null;
  await bus.publishControl(jobId, { type: "cancel" });
  return job;
}

/**
 * Queues a failed or cancelled job again as a new attempt (so a late result of the old one is
 * discarded), with its outbox row in the same transaction. Null when the job was in another state.
 * Call the dispatcher's `kick()` after it.
 */
export async function retryJob(db: Database, jobId: string): Promise<JobRow | null> {
  return db.transaction(async (tx) => {
    const [job] = await tx
      .update(schema.jobs)
      .set({
        status: "queued",
        attempt: sql`${schema.jobs.attempt} + 1`,
        maxAttempts: sql`greatest(${schema.jobs.maxAttempts}, ${schema.jobs.attempt} + 1)`,
        error: null,
        progress: 0,
        nodeId: null,
        finishedAt: null,
        updatedAt: new Date(),
      })
      .where(and(eq(schema.jobs.id, jobId), inArray(schema.jobs.status, ["failed", "cancelled"])))
      .returning();
    if (!job) return null;
    await tx
      .update(schema.jobSteps)
      .set({ status: "pending", progress: 0 })
      .where(eq(schema.jobSteps.jobId, jobId));
    await tx.insert(schema.outbox).values({ topic: JOB_PUBLISH_TOPIC, payload: jobMessage(job) });
    return job;
  });
}

/**
 * Runs a dead-lettered job again as its next attempt. The row moves first; if the bus call then
 * fails, the dispatcher's reconcile pass publishes the queued job later.
 */
export async function requeueDeadLetter(
  db: Database,
  bus: JobBus,
  deadLetterId: string,
): Promise<{ job: JobRow; published: PublishResult }> {
  const letters = await bus.listDeadLetters({ count: 10_000 });
  const letter = letters.find((l) => l.id === deadLetterId);
  if (!letter)
    throw new AppError("NOT_FOUND", "That dead letter is gone; it may have been requeued already.");
  const nextAttempt = letter.message.attempt + 1;
  const [job] = await db
    .update(schema.jobs)
    .set({
      status: "queued",
      attempt: nextAttempt,
      maxAttempts: sql`greatest(${schema.jobs.maxAttempts}, ${nextAttempt})`,
      error: null,
      progress: 0,
      nodeId: null,
      finishedAt: null,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(schema.jobs.id, letter.message.jobId),
        eq(schema.jobs.status, "failed"),
        eq(schema.jobs.attempt, letter.message.attempt),
      ),
    )
    .returning();
  if (!job) {
    throw new AppError("CONFLICT", "The job of this dead letter is no longer failed at that attempt.", {
      jobId: letter.message.jobId,
    });
  }
  await db
    .update(schema.jobSteps)
    .set({ status: "pending", progress: 0 })
    .where(eq(schema.jobSteps.jobId, job.id));
  const published = await bus.requeueDeadLetter(deadLetterId);
  return { job, published };
}

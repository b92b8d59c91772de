import type { AttemptError } from "@atelier/bus";
import { and, asc, eq, inArray, schema, sql } from "@atelier/db";
import { type AppError, toAppError } from "@atelier/shared";
import { backoffDelayMs } from "../timing.ts";
import type { EventSink } from "./eventSink.ts";
import type { RunningJob, WorkerContext } from "./workerContext.ts";

/**
 * Ends a delivery whose run threw: handed back on shutdown, cancelled, retried later with
 * backoff while attempts remain and the error is transient, otherwise failed and dead-lettered
 * with every attempt's error. Each move is a conditional update on the attempt, so a job that
 * moved on meanwhile is only acknowledged.
 */
export async function settleFailure(ctx: WorkerContext, run: RunningJob, err: unknown, sink?: EventSink) {
  const { bus, log } = ctx;
  const error = toAppError(err);
  const job = run.job;
  if (!job) {
    // Never marked running (the database was unreachable): the entry stays pending and is taken
    // over after its lease, by this node or another.
    log.warn({ err, jobId: run.jobId }, "job could not start; left for a lease takeover");
    return;
  }
  if (run.stopReason === "handback") return handBack(ctx, run);

  const [current] = await ctx.db.select().from(schema.jobs).where(eq(schema.jobs.id, run.jobId));
  if (run.stopReason === "cancel" || current?.status === "cancelled") {
    await finishAttempt(ctx, run, error);
    await bus.ack(run.delivery);
    log.info({ jobId: run.jobId, attempt: run.attempt }, "job cancelled");
    return;
  }
  const summary = { code: error.code, message: error.message };
  const canRetry = error.transient && run.attempt < (current?.maxAttempts ?? job.maxAttempts);
  const moved = await ctx.db.transaction(async (tx) => {
    const now = new Date();
    const [row] = await tx
      .update(schema.jobs)
      .set(
        canRetry
          ? {
              status: "queued",
              attempt: run.attempt + 1,
              nodeId: null,
              error: summary,
              progress: 0,
              updatedAt: now,
            }
          : { status: "failed", error: summary, finishedAt: now, updatedAt: now },
      )
      .where(
        and(
          eq(schema.jobs.id, run.jobId),
          eq(schema.jobs.attempt, run.attempt),
          inArray(schema.jobs.status, ["queued", "running"]),
        ),
      )
      .returning({ id: schema.jobs.id });
    await tx
      .update(schema.jobAttempts)
      .set({ error: errorJson(error), finishedAt: now })
      .where(and(eq(schema.jobAttempts.jobId, run.jobId), eq(schema.jobAttempts.attempt, run.attempt)));
    return row !== undefined;
  });
  if (!moved) {
    await bus.ack(run.delivery);
    return;
  }
  if (canRetry) {
    const delayMs = backoffDelayMs(run.attempt, ctx.retryBaseMs, ctx.retryCapMs);
    await bus.retryLater(run.delivery, { delayMs, attempt: run.attempt + 1, error: summary });
    sink?.send({
      type: "job.retrying",
      jobId: run.jobId,
      attempt: run.attempt + 1,
      at: new Date(Date.now() + delayMs).toISOString(),
      error: summary,
    });
    log.info({ jobId: run.jobId, attempt: run.attempt, delayMs, code: error.code }, "job retrying");
  } else {
    await bus.deadLetter(run.delivery, { errors: await attemptErrors(ctx, run.jobId) });
    sink?.send({ type: "job.failed", jobId: run.jobId, error: summary, attempt: run.attempt });
    log.info({ jobId: run.jobId, attempt: run.attempt, code: error.code }, "job failed");
  }
  await sink?.flush();
}

/**
 * Shutdown: the job goes back to the queue as a new attempt (so a late result of this one is
 * discarded) without using up one of its attempts, and is published again at once.
 */
async function handBack(ctx: WorkerContext, run: RunningJob): Promise<void> {
  const [row] = await ctx.db
    .update(schema.jobs)
    .set({
      status: "queued",
      attempt: run.attempt + 1,
      maxAttempts: sql`${schema.jobs.maxAttempts} + 1`,
      nodeId: null,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(schema.jobs.id, run.jobId),
        eq(schema.jobs.attempt, run.attempt),
        inArray(schema.jobs.status, ["queued", "running"]),
      ),
    )
    .returning({ id: schema.jobs.id });
  await finishAttempt(ctx, run, {
    code: "CANCELLED",
    message: "The node shut down; the job was handed back.",
  });
  if (row) await ctx.bus.retryLater(run.delivery, { delayMs: 0, attempt: run.attempt + 1 });
  else await ctx.bus.ack(run.delivery);
  ctx.log.info({ jobId: run.jobId, attempt: run.attempt }, "job handed back");
}

async function finishAttempt(ctx: WorkerContext, run: RunningJob, error: Pick<AppError, "code" | "message">) {
  await ctx.db
    .update(schema.jobAttempts)
    .set({ error: errorJson(error), finishedAt: new Date() })
    .where(and(eq(schema.jobAttempts.jobId, run.jobId), eq(schema.jobAttempts.attempt, run.attempt)));
}

/** Every attempt's error from job_attempts: complete even when the bus lost a message's history. */
async function attemptErrors(ctx: WorkerContext, jobId: string): Promise<AttemptError[]> {
  const rows = await ctx.db
    .select()
    .from(schema.jobAttempts)
    .where(eq(schema.jobAttempts.jobId, jobId))
    .orderBy(asc(schema.jobAttempts.attempt));
  return rows
    .filter((r) => r.error !== null)
    .map((r) => {
      const e = r.error as { code?: string; message?: string };
      return {
        attempt: r.attempt,
        code: e.code ?? "INTERNAL",
        message: e.message ?? "",
        at: (r.finishedAt ?? r.startedAt).getTime(),
      };
    });
}

function errorJson(error: Pick<AppError, "code" | "message"> & { details?: unknown }) {
  return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
}

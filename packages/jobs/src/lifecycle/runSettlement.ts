import { eq, schema, sql } from "@atelier/db";
import { type Failure, toAppError } from "@atelier/shared";
import type { JobRow } from "../jobRow.ts";
import type { BalanceNotifier } from "../billing/balanceNotifier.ts";
import { backoffDelayMs } from "../timing.ts";
import type { JobRun } from "../worker/jobRun.ts";
import { current, queuedAgain } from "./jobGuards.ts";
import type { JobCredits } from "./jobCredits.ts";
import type { JobLifecycleOptions } from "./lifecycleOptions.ts";
import type { JobWebhooks } from "./jobWebhooks.ts";
import { attemptErrors, detailsOf, endAttempt } from "./transitionRows.ts";

const { jobs } = schema;

/**
 * The transitions that end a run which threw, for `JobLifecycle.settle`: hand back, cancelled,
 * retry with backoff, or fail and dead-letter. Kept apart from the lifecycle's other transitions
 * because they are the most involved, and only the worker reaches them.
 */
export class RunSettlement {
  constructor(
    private readonly options: JobLifecycleOptions,
    private readonly parts: {
      credits: JobCredits;
      webhooks: JobWebhooks;
      balances: BalanceNotifier;
      emitQueued(job: JobRow): Promise<void>;
    },
  ) {}

  /**
   * Ends a run that threw: handed back on shutdown; acknowledged when the job was cancelled;
   * otherwise queued again with backoff while attempts remain and the error is transient, or
   * failed and dead-lettered with every attempt's error. Input errors are never retried.
   */
  async settle(run: JobRun, err: unknown): Promise<void> {
    const { db, bus, log, timing } = this.options;
    const error = toAppError(err);
    if (!run.job) {
      // Never marked running (the database was unreachable): the entry stays pending and is taken
      // over after its lease, by this node or another.
      log.warn({ err, jobId: run.jobId }, "job could not start; left for a lease takeover");
      return;
    }
    if (run.stopReason === "handback") return this.handBack(run);
    const [row] = await db.select().from(jobs).where(eq(jobs.id, run.jobId));
    const failure: Failure = { code: error.code, message: error.message };
    if (run.stopReason === "cancel" || row?.status === "cancelled") {
      await endAttempt(db, run.jobId, run.attempt, failure);
      await bus.ack(run.delivery);
      return;
    }
    const retry = error.transient && run.attempt < (row?.maxAttempts ?? run.job.maxAttempts);
    const moved = await db.transaction(async (tx) => {
      const now = new Date();
      const [updated] = await tx
        .update(jobs)
        .set(
          retry
            ? { ...queuedAgain(run.attempt + 1), error: failure }
            : { status: "failed", error: failure, finishedAt: now, updatedAt: now },
        )
        .where(current(run.jobId, run.attempt, ["running"]))
        .returning();
      await endAttempt(tx, run.jobId, run.attempt, { ...failure, ...detailsOf(error) });
      if (updated && !retry) {
        await this.parts.credits.release(tx, run.jobId, "job failed");
        await this.parts.webhooks.enqueue(tx, "job.failed", updated);
      }
      return updated !== undefined;
    });
    if (moved && !retry) this.parts.webhooks.written();
    if (!moved) {
      await bus.ack(run.delivery);
    } else if (retry) {
      const delayMs = backoffDelayMs(run.attempt, timing.retryBaseMs, timing.retryCapMs);
      const at = new Date(Date.now() + delayMs).toISOString();
      run.events.send({
        type: "job.retrying",
        jobId: run.jobId,
        attempt: run.attempt + 1,
        at,
        error: failure,
      });
      // On the stream before the retry is scheduled: once scheduled it may be claimed at once, and
      // a "retrying" after the next attempt's "claimed" would show a running job as queued.
      await run.events.flush();
      await bus.retryLater(run.delivery, { delayMs, attempt: run.attempt + 1, error: failure });
      log.info({ jobId: run.jobId, attempt: run.attempt, delayMs, code: error.code }, "job retrying");
    } else {
      this.parts.balances.changed(run.job.orgId);
      await bus.deadLetter(run.delivery, { errors: await attemptErrors(db, run.jobId) });
      run.events.send({ type: "job.failed", jobId: run.jobId, error: failure, attempt: run.attempt });
      log.info({ jobId: run.jobId, attempt: run.attempt, code: error.code }, "job failed");
    }
    await run.events.flush();
  }

  /**
   * running → queued on shutdown, as a new attempt (a late result of this one is discarded) that
   * does not use up one of the job's attempts, published again at once for another node.
   */
  private async handBack(run: JobRun): Promise<void> {
    const { db, bus, log } = this.options;
    const [row] = await db
      .update(jobs)
      .set({ ...queuedAgain(run.attempt + 1), maxAttempts: sql`${jobs.maxAttempts} + 1` })
      .where(current(run.jobId, run.attempt, ["running"]))
      .returning();
    await endAttempt(db, run.jobId, run.attempt, {
      code: "CANCELLED",
      message: `Node ${run.nodeId} shut down; the job was handed back.`,
    });
    if (!row) return bus.ack(run.delivery);
    await bus.retryLater(run.delivery, { delayMs: 0, attempt: run.attempt + 1 });
    await this.parts.emitQueued(row);
    log.info({ jobId: run.jobId, attempt: run.attempt }, "job handed back");
  }
}

import { and, eq, type Executor, inArray, schema, sql } from "@atelier/db";
import {
  AppError,
  type Failure,
  type JobStatus,
  type JobView,
  isInputErrorCode,
  type ProjectEventInput,
} from "@atelier/shared";
import { busMessageOf, JOB_PUBLISH_TOPIC, type JobRow } from "../jobRow.ts";
import { queuedJobView, toOutputView } from "../jobView.ts";
import type { JobRun } from "../worker/jobRun.ts";
import type { StoredOutput } from "../worker/storeOutputs.ts";
import { orgPipelineSettings } from "../orgPipelineSettings.ts";
import { StepEstimates } from "../stepEstimates.ts";
import { JobDeletion } from "./jobDeletion.ts";
import { BalanceNotifier } from "../billing/balanceNotifier.ts";
import type { Reconciled } from "../billing/creditLedger.ts";
import { DEFAULT_GROUP_COMMIT, JobWriter } from "./jobInsert.ts";
import { checkSubmission, prepareSubmission, priceSubmission, type SubmitJobInput } from "./submission.ts";
import { claimDecision } from "./claimDecision.ts";
import { JobCredits } from "./jobCredits.ts";
import type { JobLifecycleOptions } from "./lifecycleOptions.ts";
import { JobWebhooks } from "./jobWebhooks.ts";
import { current, LIVE, queuedAgain } from "./jobGuards.ts";
import { RunSettlement } from "./runSettlement.ts";
import { requeueStaleJobs, type StaleLimits } from "./staleRequeue.ts";
import { failedOnInput, lockBelowCap, submitRefusal } from "./refusals.ts";
import { endAttempt, insertOutputs, lostNode, resetSteps, startAttempt } from "./transitionRows.ts";

export type { JobLifecycleOptions } from "./lifecycleOptions.ts";
export { claimDecision } from "./claimDecision.ts";
export { insufficientCredits } from "./refusals.ts";

const { jobs, outbox } = schema;

/**
 * Every change of a job's state, in one place: submit, claim, succeed, fail or retry, hand back,
 * cancel, retry by a person, requeue a dead letter, requeue a stale job. Each transition makes one
 * guarded update (only the current attempt moves a job, so a late or duplicate run changes nothing),
 * does its outbox or bus action, and emits its event on the project's stream. What a transition
 * writes besides the job's status goes through small helpers, in the same transaction: its credits
 * (jobCredits.ts), its webhook deliveries (jobWebhooks.ts), its attempt, step and output rows
 * (transitionRows.ts); how a run that threw ends lives in runSettlement.ts, the stale sweep's repair
 * in staleRequeue.ts. Routers and the worker only call these.
 */
export class JobLifecycle {
  private readonly estimates: StepEstimates;

  /** Deleting jobs and outputs with undo, and cleaning up after the undo window. */
  readonly deletion: JobDeletion;

  /** Tells organizations' streams their balance after a change. */
  readonly balances: BalanceNotifier;

  /** Writes submissions, several in one statement when they arrive together. */
  private readonly writer: JobWriter;

  /** The credit-ledger writes of the transitions (settlements, reservations again). */
  private readonly credits: JobCredits;

  /** The webhook deliveries of a job's end. */
  private readonly webhooks: JobWebhooks;

  /** How a run that threw ends. */
  private readonly settlement: RunSettlement;

  constructor(private readonly options: JobLifecycleOptions) {
    this.estimates = new StepEstimates(options.db);
    this.balances = new BalanceNotifier(options.db, options.bus, options.log);
    this.writer = new JobWriter(options.db, options.groupCommit ?? DEFAULT_GROUP_COMMIT);
    this.deletion = new JobDeletion(options, (projectId, event) => this.emit(projectId, event));
    this.credits = new JobCredits(options.db, options.billing, this.balances, options.log);
    this.webhooks = new JobWebhooks(options.webhooks);
    this.settlement = new RunSettlement(options, {
      credits: this.credits,
      webhooks: this.webhooks,
      balances: this.balances,
      emitQueued: (job) => this.emitQueued(job),
    });
  }

  /**
   * queued: the job, its steps and its outbox row in ONE statement, then published at once. With
   * `maxLiveJobs`, the statement first locks the organization's row and writes nothing when its
   * count of queued and running jobs (kept by a trigger) is at the cap: submits of one organization
   * queue on that lock, so the cap holds under any burst.
   */
  async submit(input: SubmitJobInput): Promise<{ job: JobRow; view: JobView }> {
    const { planned } = prepareSubmission(input, this.options.catalogue);
    const { pipelineEnv, db } = this.options;
    if (pipelineEnv) await checkSubmission(planned, pipelineEnv, () => orgPipelineSettings(db, input.orgId));
    const expectedMs = await this.estimates.expectedMs(planned, input.assetIds.length);
    const price = input.price ?? priceSubmission(input, planned);
    const { job, steps } = prepareSubmission({ ...input, expectedMs, price }, this.options.catalogue);
    // The job, its steps, its credit reservation and its outbox row in one statement, shared with
    // submissions arriving at the same moment (group commit, jobInsert.ts).
    const outboxId = await this.writer.write({
      job,
      steps,
      maxLiveJobs: input.maxLiveJobs,
      credits: price.credits,
      enforceCredits: this.options.billing === "credits",
      preset: input.preset ?? null,
    });
    if (outboxId === null) throw await this.refusal(input, price.credits);
    this.balances.changed(job.orgId);
    // The queued event goes first: once published, a node may report the job claimed within milliseconds.
    // Both are sent without waiting between them: the bus writes them in call order on one connection,
    // which runs them in that order, so the event still lands first and the submit saves a round trip.
    const view = queuedJobView(job);
    await Promise.all([
      this.emit(job.projectId, { type: "job.queued", jobId: job.id, job: view }),
      this.options.publisher?.publishNow(job, outboxId),
    ]);
    return { job, view };
  }

  /** What `submit` would reserve for this input, checked the same way, nothing written. */
  async quote(input: SubmitJobInput): Promise<{ credits: number; megapixels: number }> {
    const { planned } = prepareSubmission(input, this.options.catalogue);
    const { pipelineEnv, db } = this.options;
    if (pipelineEnv) await checkSubmission(planned, pipelineEnv, () => orgPipelineSettings(db, input.orgId));
    const price = priceSubmission(input, planned);
    return { credits: price.credits, megapixels: Math.round(price.megapixels * 100) / 100 };
  }

  /**
   * Settles reservations whose job ended without its settlement (see reconcileReservations); the
   * engine runs it on a timer, operators on request.
   */
  reconcile(): Promise<Reconciled> {
    return this.credits.reconcile();
  }

  /** Why a submission wrote nothing: the balance, or the live-jobs cap (read after the fact, for the message). */
  private refusal(input: SubmitJobInput, price: number): Promise<AppError> {
    return submitRefusal(this.options.db, this.options.billing === "credits", input, price);
  }

  /**
   * Deleted by a person: a job still queued or running is cancelled first (its node stops between
   * steps), then hidden from every list until `deletion` restores it or purges it.
   */
  async delete(jobId: string): Promise<{ job: JobRow; undoUntil: Date } | null> {
    await this.cancel(jobId);
    return this.deletion.markDeleted(jobId);
  }

  /** queued | running → cancelled; the node running it stops between steps. Null when it had ended. */
  async cancel(jobId: string): Promise<JobRow | null> {
    const now = new Date();
    const job = await this.options.db.transaction(async (tx) => {
      const [row] = await tx
        .update(jobs)
        .set({ status: "cancelled", finishedAt: now, updatedAt: now })
        .where(and(eq(jobs.id, jobId), inArray(jobs.status, LIVE)))
        .returning();
      if (row) {
        await this.credits.release(tx, jobId, "job cancelled");
        await this.webhooks.enqueue(tx, "job.cancelled", row);
      }
      return row;
    });
    if (!job) return null;
    this.balances.changed(job.orgId);
    this.webhooks.written();
    await this.emit(job.projectId, { type: "job.cancelled", jobId });
    await this.options.bus.publishControl(jobId, { type: "cancel" });
    return job;
  }

  /**
   * failed | cancelled → queued as the next attempt, on a person's request; its dead letters go, so a job
   * is listed there once. Null in any other state; CONFLICT when it failed on its own input (the same
   * parameters and images would fail the same way); RATE_LIMITED when the organization is at
   * `maxLiveJobs` (the cap of `submit`).
   */
  async retry(jobId: string, options: { maxLiveJobs?: number } = {}): Promise<JobRow | null> {
    const [before] = await this.options.db
      .select({ status: jobs.status, error: jobs.error })
      .from(jobs)
      .where(eq(jobs.id, jobId));
    if (!before || (before.status !== "failed" && before.status !== "cancelled")) return null;
    const failure = before.error as Failure | null;
    if (before.status === "failed" && failure && isInputErrorCode(failure.code)) {
      throw failedOnInput(jobId, failure);
    }
    const queued = await this.options.db.transaction(async (tx) => {
      const { maxLiveJobs } = options;
      if (maxLiveJobs !== undefined) await lockBelowCap(tx, jobId, maxLiveJobs);
      const row = await this.queueNextAttempt(tx, jobId, before.status, "job retried");
      if (!row) return null;
      const [written] = await tx
        .insert(outbox)
        .values({ topic: JOB_PUBLISH_TOPIC, payload: busMessageOf(row) })
        .returning({ id: outbox.id });
      return { row, outboxId: written!.id };
    });
    if (!queued) return null;
    const { row: job, outboxId } = queued;
    this.balances.changed(job.orgId);
    await this.options.bus
      .dropDeadLetters(job.id)
      .catch((err: unknown) =>
        this.options.log.warn({ err, jobId }, "dead letters of a retried job not dropped"),
      );
    await this.emitQueued(job);
    await this.options.publisher?.publishNow(job, outboxId);
    return job;
  }

  /** A dead letter's failed job → queued as its next attempt. Only the organization's own when `orgId` is given. */
  async requeueDead(deadLetterId: string, scope: { orgId?: string } = {}): Promise<JobRow> {
    const { db, bus } = this.options;
    const letter = (await bus.listDeadLetters({ count: 10_000 })).find((l) => l.id === deadLetterId);
    const [owner] = letter
      ? await db.select({ orgId: jobs.orgId }).from(jobs).where(eq(jobs.id, letter.message.jobId))
      : [];
    if (!letter || !owner || (scope.orgId !== undefined && owner.orgId !== scope.orgId)) {
      throw new AppError("NOT_FOUND", "That dead letter is gone; it may have been requeued already.", {
        deadLetterId,
      });
    }
    const job = await db.transaction((tx) =>
      this.queueNextAttempt(tx, letter.message.jobId, "failed", "dead letter requeued"),
    );
    if (!job) {
      throw new AppError("CONFLICT", "The job of this dead letter is no longer failed.", {
        jobId: letter.message.jobId,
      });
    }
    this.balances.changed(job.orgId);
    // If this call fails the job is queued without a message: the stale sweep publishes it.
    await bus.requeueDeadLetter(deadLetterId, { attempt: job.attempt });
    // Copies an older engine left behind would list the job again.
    await bus.dropDeadLetters(job.id);
    await this.emitQueued(job);
    return job;
  }

  /**
   * `from` (failed or cancelled) → queued as the next attempt, in `tx`: its price reserved again (or
   * INSUFFICIENT_CREDITS, rolling `tx` back) and its steps reset. Undefined when the job left `from`
   * meanwhile (it is left alone).
   */
  private async queueNextAttempt(tx: Executor, jobId: string, from: JobStatus, memo: string) {
    const [row] = await tx
      .update(jobs)
      .set(queuedAgain(sql`${jobs.attempt} + 1`))
      .where(and(eq(jobs.id, jobId), eq(jobs.status, from)))
      .returning();
    if (!row) return undefined;
    await this.credits.reserveAgain(tx, row.id, memo);
    await resetSteps(tx, row.id);
    return row;
  }

  /**
   * Repairs lost messages and lost nodes (staleRequeue.ts). Returns how many jobs were published.
   */
  requeueStale(limits: StaleLimits): Promise<number> {
    return requeueStaleJobs(this.options, limits, (job) => this.emitQueued(job));
  }

  /**
   * queued → running on this node. A job still marked running elsewhere whose node went quiet (or
   * this node before a restart) is taken over as a NEW attempt, and the old attempt's row says why
   * it ended. Null when the delivery must not run (it is acknowledged and dropped).
   */
  async claim(run: JobRun): Promise<JobRow | null> {
    const { db, bus, log, timing } = this.options;
    const [job] = await db.select().from(jobs).where(eq(jobs.id, run.jobId));
    const decision = claimDecision(job, run, Date.now(), timing.leaseMs);
    if (decision.kind === "skip" || !job) {
      log.info({ jobId: run.jobId, attempt: run.attempt, reason: decision.reason }, "delivery skipped");
      await bus.ack(run.delivery);
      return null;
    }
    const attempt = decision.kind === "takeover" ? job.attempt + 1 : job.attempt;
    const now = new Date();
    const claimed = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(jobs)
        .set({
          status: "running",
          attempt,
          maxAttempts: sql`greatest(${jobs.maxAttempts}, ${attempt})`,
          nodeId: run.nodeId,
          startedAt: job.startedAt ?? now,
          updatedAt: now,
        })
        .where(current(job.id, job.attempt))
        .returning();
      if (!row) return null;
      if (decision.kind === "takeover") {
        await endAttempt(tx, job.id, job.attempt, lostNode(job.nodeId, run.nodeId));
      }
      await startAttempt(tx, job.id, attempt, run.nodeId, now);
      return row;
    });
    if (!claimed) {
      await bus.ack(run.delivery);
      return null;
    }
    run.attempt = attempt;
    run.job = claimed;
    run.events.send({ type: "job.claimed", jobId: job.id, nodeId: run.nodeId, attempt });
    return claimed;
  }

  /**
   * Keeps a long run's bus lease and row fresh, so neither another node nor the sweep takes it. Before
   * the claim went through (`run.job` unset) only the bus lease: the row still belongs to whoever
   * held the job before.
   */
  async renewLease(run: JobRun): Promise<void> {
    const kept = await this.options.bus.extendLease(run.delivery);
    if (!kept) this.options.log.warn({ jobId: run.jobId }, "lease lost: another node took the job over");
    if (!run.job) return;
    await this.options.db
      .update(jobs)
      .set({ updatedAt: new Date() })
      .where(current(run.jobId, run.attempt, ["running"]));
  }

  /**
   * running → succeeded with its outputs, in one transaction, only while this run's attempt is
   * current. False when the job moved on meanwhile (the caller discards the files).
   */
  async succeed(run: JobRun, outputs: StoredOutput[]): Promise<boolean> {
    const job = run.job!;
    const rows = await this.options.db.transaction(async (tx) => {
      const now = new Date();
      const [done] = await tx
        .update(jobs)
        .set({ status: "succeeded", progress: 1, error: null, finishedAt: now, updatedAt: now })
        .where(current(job.id, run.attempt, ["running"]))
        .returning();
      if (!done) return null;
      await endAttempt(tx, job.id, run.attempt, null);
      await this.credits.capture(tx, job, outputs, "job succeeded");
      const stored = outputs.length === 0 ? [] : await insertOutputs(tx, job, outputs);
      await this.webhooks.enqueue(tx, "job.succeeded", done, stored);
      return stored;
    });
    await this.options.bus.ack(run.delivery);
    if (!rows) return false;
    this.balances.changed(job.orgId);
    this.webhooks.written();
    const views = await Promise.all(rows.map((row) => toOutputView(this.options.storage, row)));
    run.events.send({ type: "job.succeeded", jobId: job.id, outputs: views });
    await run.events.flush();
    return true;
  }

  /**
   * Ends a run that threw: handed back on shutdown, acknowledged when cancelled, retried or failed
   * (see RunSettlement).
   */
  settle(run: JobRun, err: unknown): Promise<void> {
    return this.settlement.settle(run, err);
  }

  private emitQueued(job: JobRow): Promise<void> {
    return this.emit(job.projectId, { type: "job.queued", jobId: job.id, job: queuedJobView(job) });
  }

  /** After a commit the database is the truth: a lost event is logged, never turned into a failure. */
  private async emit(projectId: string, event: ProjectEventInput): Promise<void> {
    try {
      await this.options.bus.appendEvent(projectId, event);
    } catch (err) {
      this.options.log.warn({ err, projectId, type: event.type }, "project event not appended");
    }
  }
}

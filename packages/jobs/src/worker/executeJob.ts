import { and, eq, inArray, schema } from "@atelier/db";
import { type PipelineEvents, parsePipelineSpec, runPipeline } from "@atelier/pipeline";
import type { JobRow } from "../jobMessage.ts";
import { orgPipelineSettings } from "../orgPipelineSettings.ts";
import type { EventSink } from "./eventSink.ts";
import { loadJobInputs } from "./jobInputs.ts";
import { outputViews, recordSuccess, type StoredOutput, storeOutputs } from "./jobOutputs.ts";
import type { RunningJob, WorkerContext } from "./workerContext.ts";

/**
 * Takes a claimed job from "claimed" to "succeeded", or throws for the caller to settle the
 * failure. Returns without running when the delivery is stale (the job moved on). Ends the
 * delivery itself on every path that does not throw.
 */
export async function executeJob(ctx: WorkerContext, run: RunningJob, makeSink: (job: JobRow) => EventSink) {
  const { db, bus, log } = ctx;
  const { delivery } = run;
  const [job] = await db.select().from(schema.jobs).where(eq(schema.jobs.id, run.jobId));
  const skip = staleReason(ctx, run, job);
  if (skip || !job) {
    log.info({ jobId: run.jobId, attempt: run.attempt, reason: skip }, "delivery skipped");
    await bus.ack(delivery);
    return;
  }
  const now = new Date();
  const [claimed] = await db
    .update(schema.jobs)
    .set({ status: "running", nodeId: ctx.nodeId, startedAt: job.startedAt ?? now, updatedAt: now })
    .where(
      and(
        eq(schema.jobs.id, job.id),
        eq(schema.jobs.attempt, run.attempt),
        inArray(schema.jobs.status, ["queued", "running"]),
      ),
    )
    .returning();
  if (!claimed) {
    await bus.ack(delivery);
    return;
  }
  run.job = claimed;
  await db
    .insert(schema.jobAttempts)
    .values({ jobId: job.id, attempt: run.attempt, nodeId: ctx.nodeId, startedAt: now })
    .onConflictDoUpdate({
      target: [schema.jobAttempts.jobId, schema.jobAttempts.attempt],
      set: { nodeId: ctx.nodeId, startedAt: now, finishedAt: null, error: null },
    });
  const sink = makeSink(claimed);
  sink.send({ type: "job.claimed", jobId: job.id, nodeId: ctx.nodeId, attempt: run.attempt });

  const renew = setInterval(() => void renewLease(ctx, run), ctx.leaseRenewMs);
  try {
    // The organization's formats, crop priority and text styles: a job renders as its editor previews.
    const [inputs, org] = await Promise.all([
      loadJobInputs(ctx, claimed),
      orgPipelineSettings(db, claimed.orgId),
    ]);
    const planned = parsePipelineSpec(claimed.spec, ctx.catalogue);
    const steps = new StepRecorder(ctx, job.id);
    const result = await runPipeline(planned, inputs, {
      env: { ...ctx.pipelineEnv, attempt: run.attempt, org },
      signal: run.controller.signal,
      log,
      progressIntervalMs: 100,
      events: pipelineEvents(job.id, sink, steps),
    });
    await steps.flush();
    const stored = await storeOutputs(ctx, claimed, run.attempt, [...result.images, ...result.files]);
    const rows = await recordSuccess(ctx, claimed, run.attempt, stored);
    if (!rows) {
      log.info({ jobId: job.id, attempt: run.attempt }, "result discarded: the job moved on meanwhile");
      await discardOutputs(ctx, claimed, run.attempt, stored);
      await bus.ack(delivery);
      return;
    }
    await bus.ack(delivery);
    sink.send({ type: "job.succeeded", jobId: job.id, outputs: await outputViews(ctx, rows) });
    await sink.flush();
  } finally {
    clearInterval(renew);
  }
}

/** Why a delivery must not run, or undefined when it may. */
function staleReason(ctx: WorkerContext, run: RunningJob, job: JobRow | undefined): string | undefined {
  if (!job) return "job deleted";
  if (job.status !== "queued" && job.status !== "running") return `job ${job.status}`;
  if (job.attempt !== run.attempt) return `attempt ${run.attempt} superseded by ${job.attempt}`;
  // A second message for a job another live node already runs (a re-publish after lost data
  // raced the original). A takeover after an expired lease comes with deliveryCount > 1.
  const fresh = Date.now() - job.updatedAt.getTime() < ctx.leaseRenewMs * 3;
  if (job.status === "running" && job.nodeId !== ctx.nodeId && run.delivery.deliveryCount === 1 && fresh) {
    return `already running on ${job.nodeId}`;
  }
  return undefined;
}

async function renewLease(ctx: WorkerContext, run: RunningJob): Promise<void> {
  try {
    const kept = await ctx.bus.extendLease(run.delivery);
    if (!kept) ctx.log.warn({ jobId: run.jobId }, "lease lost: another node took the job over");
    await ctx.db
      .update(schema.jobs)
      .set({ updatedAt: new Date() })
      .where(
        and(
          eq(schema.jobs.id, run.jobId),
          eq(schema.jobs.attempt, run.attempt),
          eq(schema.jobs.status, "running"),
        ),
      );
  } catch (err) {
    ctx.log.warn({ err, jobId: run.jobId }, "lease renewal failed; retrying next interval");
  }
}

function pipelineEvents(jobId: string, sink: EventSink, steps: StepRecorder): PipelineEvents {
  return {
    stepStarted: (e) => {
      sink.send({ type: "job.step.started", jobId, index: e.index, step: e.step, total: e.total });
      steps.started(e.index);
    },
    progress: (e) => {
      sink.send({
        type: "job.progress",
        jobId,
        index: e.index,
        step: e.step,
        fraction: e.fraction,
        overall: e.overall,
      });
      steps.progress(e.overall);
    },
    preview: (e) => {
      sink.send({
        type: "job.preview",
        jobId,
        index: e.index,
        step: e.step,
        width: e.width,
        height: e.height,
        webpBase64: e.data.toString("base64"),
      });
    },
    stepFinished: (e) => {
      sink.send({ type: "job.step.finished", jobId, index: e.index, step: e.step, ms: e.ms });
      steps.finished(e.index, e.outputs.length, e.files.length);
    },
  };
}

/** Writes step status to job_steps in order, off the pipeline's path. */
class StepRecorder {
  private chain: Promise<void> = Promise.resolve();
  private lastProgressWrite = 0;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly jobId: string,
  ) {}

  started(index: number) {
    this.write(() =>
      this.ctx.db
        .update(schema.jobSteps)
        .set({ status: "running", startedAt: new Date() })
        .where(and(eq(schema.jobSteps.jobId, this.jobId), eq(schema.jobSteps.index, index))),
    );
  }

  progress(overall: number) {
    const now = Date.now();
    if (now - this.lastProgressWrite < 1000) return;
    this.lastProgressWrite = now;
    this.write(() =>
      this.ctx.db.update(schema.jobs).set({ progress: overall }).where(eq(schema.jobs.id, this.jobId)),
    );
  }

  finished(index: number, images: number, files: number) {
    this.write(() =>
      this.ctx.db
        .update(schema.jobSteps)
        .set({ status: "succeeded", progress: 1, finishedAt: new Date(), outputs: { images, files } })
        .where(and(eq(schema.jobSteps.jobId, this.jobId), eq(schema.jobSteps.index, index))),
    );
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private write(query: () => PromiseLike<unknown>) {
    this.chain = this.chain
      .then(
        () => query(),
        () => undefined,
      )
      .then(
        () => undefined,
        (err: unknown) => this.ctx.log.warn({ err, jobId: this.jobId }, "step status not written"),
      );
  }
}

/** Another attempt won: its files are deleted, unless they are the same attempt's (the winner's keys). */
async function discardOutputs(ctx: WorkerContext, job: JobRow, attempt: number, stored: StoredOutput[]) {
  const [current] = await ctx.db
    .select({ attempt: schema.jobs.attempt })
    .from(schema.jobs)
    .where(eq(schema.jobs.id, job.id));
  if (current?.attempt === attempt) return;
  await Promise.all(stored.map((o) => ctx.storage.delete(o.storageKey).catch(() => undefined)));
}

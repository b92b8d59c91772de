import { defaultOrgRules } from "@atelier/shared";
import { type Artifact, type PipelineEvents, parsePipelineSpec, runPipeline } from "@atelier/pipeline";
import { type ModerationResult, moderateImage } from "../moderation/moderateImage.ts";
import { orgPipelineSettings } from "../orgPipelineSettings.ts";
import { loadJobInputs } from "./jobInputs.ts";
import type { JobRun } from "./jobRun.ts";
import { StepRecorder } from "./stepRecorder.ts";
import { StepTelemetry } from "./runTelemetry.ts";
import { discardOutputs, storeOutputs } from "./storeOutputs.ts";
import type { WorkerContext } from "./workerContext.ts";

/**
 * Runs one delivery from claim to success; every change of the job's state goes through the
 * lifecycle. Throws for the caller to settle the failure (`lifecycle.settle`).
 */
export async function runJob(ctx: WorkerContext, run: JobRun): Promise<void> {
  const { db, log, lifecycle } = ctx;
  // Renewed from the bus claim on, not from the end of the database claim: the bus counts the lease
  // from its delivery, and a claim that is slow on a loaded machine must not let it lapse.
  const renew = setInterval(
    () =>
      void lifecycle
        .renewLease(run)
        .catch((err: unknown) => log.warn({ err, jobId: run.jobId }, "lease renewal failed; retrying")),
    ctx.timing.leaseRenewMs,
  );
  try {
    const job = await lifecycle.claim(run);
    if (!job) return;
    // The organization's formats, crop priority and text styles: a job renders as its editor previews.
    const [inputs, org] = await Promise.all([loadJobInputs(ctx, job), orgPipelineSettings(db, job.orgId)]);
    const steps = new StepRecorder(db, log, job.id, () => run.attempt);
    const telemetry = new StepTelemetry(ctx.pipelineEnv.executionProviders[0] ?? "cpu");
    const planned = parsePipelineSpec(job.spec, ctx.catalogue);
    const result = await runPipeline(planned, inputs, {
      // Expected times set at submission: overall progress moves as the work does.
      weights: (job.spec as { steps: Array<{ expectedMs?: number }> }).steps.map((s) => s.expectedMs ?? 0),
      env: { ...ctx.pipelineEnv, attempt: run.attempt, org },
      signal: run.controller.signal,
      log,
      progressIntervalMs: 100,
      events: pipelineEvents(run, steps, telemetry),
    }).catch((err: unknown) => {
      telemetry.failed(err);
      throw err;
    });
    await steps.flush();
    const threshold = org.moderationThreshold ?? defaultOrgRules.moderationThreshold;
    const moderated = await moderateOutputs(ctx, threshold, [...result.images, ...result.files]);
    const lastStep = planned.at(-1)!.definition.name;
    const stored = await storeOutputs(
      { storage: ctx.storage, maxInputPixels: ctx.pipelineEnv.maxInputPixels },
      job,
      run.attempt,
      moderated,
      lastStep,
    );
    if (!(await lifecycle.succeed(run, stored))) {
      log.info({ jobId: job.id, attempt: run.attempt }, "result discarded: the job moved on meanwhile");
      await discardOutputs(ctx, job, run.attempt, stored);
    }
  } finally {
    clearInterval(renew);
  }
}

/**
 * Every image output is scored before it is stored; one over the organization's threshold is held, and
 * so are the files made from the same input (a figurine's model goes with its render).
 */
async function moderateOutputs(
  ctx: WorkerContext,
  threshold: number,
  artifacts: Artifact[],
): Promise<Array<{ artifact: Artifact; moderation: ModerationResult }>> {
  const out: Array<{ artifact: Artifact; moderation: ModerationResult }> = [];
  for (const artifact of artifacts) {
    const moderation: ModerationResult = artifact.mediaType.startsWith("image/")
      ? await moderateImage(artifact.data, ctx.pipelineEnv, threshold, ctx.log)
      : { moderation: null, reviewStatus: "unchecked" };
    out.push({ artifact, moderation });
  }
  const heldSources = new Set(
    out.filter((o) => o.moderation.reviewStatus === "held").map((o) => sourceOf(o.artifact)),
  );
  for (const o of out) {
    if (o.moderation.reviewStatus === "unchecked" && heldSources.has(sourceOf(o.artifact))) {
      o.moderation = { moderation: null, reviewStatus: "held" };
    }
  }
  return out;
}

const sourceOf = (a: Artifact) => (typeof a.meta?.source === "string" ? a.meta.source : "");

function pipelineEvents(run: JobRun, steps: StepRecorder, telemetry: StepTelemetry): PipelineEvents {
  const { jobId, events } = run;
  return {
    stepStarted: (e) => {
      events.send({ type: "job.step.started", jobId, index: e.index, step: e.step, total: e.total });
      steps.started(e.index);
      telemetry.started(e.index, e.step);
    },
    progress: (e) => {
      events.send({
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
      events.send({
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
      events.send({ type: "job.step.finished", jobId, index: e.index, step: e.step, ms: e.ms });
      steps.finished(e.index, e.outputs.length, e.files.length);
      telemetry.finished(e.index, e.step, e.ms);
    },
  };
}

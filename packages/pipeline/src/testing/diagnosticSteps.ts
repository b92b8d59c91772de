import { AppError, type ErrorCode, ErrorCode as ErrorCodes } from "@atelier/shared";
import { z } from "zod";
import { defineStep, type StepDefinition } from "../step.ts";

const diagnosticParams = z
  .object({
    /** How long the step works, split into progress ticks. */
    ms: z.number().int().min(0).max(600_000).default(0),
    ticks: z.number().int().min(1).max(1000).default(10),
    /** Fails while the job's attempt is at most this, so retries can be exercised. */
    failTimes: z.number().int().min(0).max(100).default(0),
    failWith: z.enum(Object.keys(ErrorCodes) as [ErrorCode, ...ErrorCode[]]).default("UPSTREAM_ERROR"),
  })
  .strict();

type DiagnosticParams = z.infer<typeof diagnosticParams>;

/**
 * A step that only waits, reports progress and fails on request: tests use it to check queues,
 * retries, cancellation and VRAM claiming without loading a model. It hands its inputs on
 * unchanged. The VRAM variants exist because a step's memory is declared, not a param.
 * Never in the production catalogue: anyone who may submit a job could hold a worker for ten
 * minutes or claim 8 GiB with it. Tests get it through `testCatalogue`.
 */
function diagnosticStep(name: string, vramMb: number): StepDefinition<typeof diagnosticParams> {
  return defineStep({
    name,
    description: `Waits, reports progress and fails on request (declares ${vramMb} MiB); for checking the job system.`,
    params: diagnosticParams,
    takes: "images",
    gives: "the inputs unchanged",
    vramMb,
    // One credit a run, so tests can count what a balance covers.
    price: { perRun: 1 },
    // It works exactly as long as it is told to.
    expectedMs: (p) => p.ms,
    models: [],
    run: async (ctx) => {
      await work(ctx.params, ctx.signal, (f) => ctx.progress(f));
      const attempt = ctx.env.attempt ?? 1;
      if (attempt <= ctx.params.failTimes) {
        throw new AppError(ctx.params.failWith, `Diagnostic failure on attempt ${attempt}.`, { attempt });
      }
      return { images: ctx.inputs, data: { attempt, ms: ctx.params.ms } };
    },
  });
}

async function work(params: DiagnosticParams, signal: AbortSignal, progress: (f: number) => void) {
  const tickMs = params.ms / params.ticks;
  for (let tick = 1; tick <= params.ticks && params.ms > 0; tick++) {
    await sleep(tickMs, signal);
    progress(tick / params.ticks);
  }
  if (signal.aborted) throw new AppError("CANCELLED", "The work was cancelled.", {});
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AppError("CANCELLED", "The work was cancelled.", {}));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AppError("CANCELLED", "The work was cancelled.", {}));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export const diagnosticSteps = [
  diagnosticStep("diagnostic", 0),
  diagnosticStep("diagnostic-4g", 4096),
  diagnosticStep("diagnostic-8g", 8192),
] as const;

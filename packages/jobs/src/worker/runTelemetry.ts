import {
  claimLatencySeconds,
  context,
  contextFromCarrier,
  endWithError,
  inSpan,
  jobAttempts,
  msSinceStreamId,
  type Span,
  stepSeconds,
  tracer,
} from "@atelier/telemetry";
import type { JobRun } from "./jobRun.ts";

/**
 * Runs one claimed job inside a `job.run` span whose parent is the submitting request's span (its
 * trace context travels in the bus message), counting the attempt's outcome and how long the job
 * waited on the bus for this claim.
 */
export async function withRunTelemetry(run: JobRun, work: () => Promise<void>): Promise<void> {
  const waitedMs = run.delivery.deliveryCount === 1 ? msSinceStreamId(run.delivery.id) : undefined;
  if (waitedMs !== undefined) claimLatencySeconds.observe(waitedMs / 1000);
  const parent = contextFromCarrier(run.delivery.message.payload?.trace);
  const attributes = {
    "atelier.job_id": run.jobId,
    "atelier.attempt": run.attempt,
    "atelier.node_id": run.nodeId,
  };
  try {
    await inSpan("job.run", attributes, work, parent);
    jobAttempts.inc({ outcome: outcomeOf(run, "succeeded") });
  } catch (err) {
    jobAttempts.inc({ outcome: outcomeOf(run, "failed") });
    throw err;
  }
}

const outcomeOf = (run: JobRun, otherwise: string) =>
  run.stopReason === "cancel" ? "cancelled" : run.stopReason === "handback" ? "handed_back" : otherwise;

/** One span per pipeline step, children of `job.run`, and the step duration histogram. */
export class StepTelemetry {
  private readonly open = new Map<number, Span>();
  private readonly parent = context.active();

  constructor(private readonly provider: string) {}

  started(index: number, step: string): void {
    this.open.set(
      index,
      tracer.startSpan(
        `step ${step}`,
        {
          attributes: {
            "atelier.step": step,
            "atelier.step_index": index,
            "atelier.provider": this.provider,
          },
        },
        this.parent,
      ),
    );
  }

  finished(index: number, step: string, ms: number): void {
    stepSeconds.observe({ step, provider: this.provider }, ms / 1000);
    this.open.get(index)?.end();
    this.open.delete(index);
  }

  /** Ends the steps still open with the error that stopped them. */
  failed(err: unknown): void {
    for (const span of this.open.values()) {
      endWithError(span, err);
      span.end();
    }
    this.open.clear();
  }
}

import { traceCarrier } from "@atelier/telemetry";
import type { BusMessage } from "@atelier/bus";
import type { schema } from "@atelier/db";

export type JobRow = typeof schema.jobs.$inferSelect;
export type JobOutputRow = typeof schema.jobOutputs.$inferSelect;

/** The outbox topic of a job's bus message. */
export const JOB_PUBLISH_TOPIC = "job.publish";

/** What the bus carries for a job at its current attempt; the job row stays the source of truth. */
export function busMessageOf(
  job: Pick<JobRow, "id" | "attempt" | "priority" | "vramMb" | "projectId" | "orgId">,
): BusMessage {
  return {
    jobId: job.id,
    attempt: job.attempt,
    priority: job.priority,
    vramMb: job.vramMb,
    projectId: job.projectId,
    // Claims take turns between organizations (see @atelier/bus claim order).
    orgId: job.orgId,
    // The submitting request's trace travels with the job, so its steps on a node join that trace.
    ...withTrace(),
  };
}

function withTrace(): Pick<BusMessage, "payload"> {
  const trace = traceCarrier();
  return trace ? { payload: { trace } } : {};
}

import type { JobRow } from "../jobRow.ts";
import type { JobRun } from "../worker/jobRun.ts";

export type ClaimDecision =
  | { kind: "start" | "takeover"; reason?: undefined }
  | { kind: "skip"; reason: string };

/** Whether a delivery may run, and whether running it takes the job over from another attempt. */
export function claimDecision(
  job: JobRow | undefined,
  run: Pick<JobRun, "attempt" | "nodeId"> & { delivery: Pick<JobRun["delivery"], "deliveryCount"> },
  now: number,
  leaseMs: number,
): ClaimDecision {
  if (!job) return { kind: "skip", reason: "job deleted" };
  if (job.status === "queued") {
    return job.attempt === run.attempt
      ? { kind: "start" }
      : { kind: "skip", reason: `attempt ${run.attempt} superseded by ${job.attempt}` };
  }
  if (job.status !== "running") return { kind: "skip", reason: `job ${job.status}` };
  // Running: its node renews the row every third of a lease. A fresh row on another node, on a first
  // delivery, means a second message for a job that is alive (a re-publish after lost data raced the
  // original). A redelivery is the bus saying the holder let its lease lapse, and it is the job's only
  // message: dropped here, a job whose node died just after touching its row (a progress write) would
  // wait for the stale sweep, minutes later. So it is taken over; a holder still alive finds its
  // attempt superseded and its results discarded.
  const fresh = now - job.updatedAt.getTime() < leaseMs;
  if (fresh && job.nodeId !== run.nodeId && run.delivery.deliveryCount <= 1) {
    return { kind: "skip", reason: `already running on ${job.nodeId}` };
  }
  return { kind: "takeover" };
}

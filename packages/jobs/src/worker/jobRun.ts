import type { Delivery } from "@atelier/bus";
import type { JobRow } from "../jobRow.ts";
import type { EventSink } from "./eventSink.ts";

/** One delivery a node works on, from claim to its one ending (ack, retry, dead letter or hand-back). */
export interface JobRun {
  /** The delivery's id: unique on this node even when one job arrives twice. */
  key: string;
  delivery: Delivery;
  jobId: string;
  nodeId: string;
  /**
   * The attempt this node runs. It starts as the delivery's and moves on when the claim is a
   * takeover, which is a new attempt with its own `job_attempts` row.
   */
  attempt: number;
  controller: AbortController;
  /** Why `controller` was aborted, if it was. */
  stopReason?: "cancel" | "handback";
  /** The job row as this node marked it running; unset until the claim succeeds. */
  job?: JobRow;
  events: EventSink;
}

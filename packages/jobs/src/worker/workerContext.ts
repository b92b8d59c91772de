import type { Delivery, JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import type { PipelineEnv, StepCatalogue } from "@atelier/pipeline";
import type { Logger } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import type { JobRow } from "../jobMessage.ts";

/** What every job run on a node shares. */
export interface WorkerContext {
  nodeId: string;
  db: Database;
  bus: JobBus;
  storage: ObjectStorage;
  pipelineEnv: PipelineEnv;
  catalogue: StepCatalogue;
  log: Logger;
  retryBaseMs: number;
  retryCapMs: number;
  leaseRenewMs: number;
  downloadUrlTtlSec: number;
  maxInputBytes: number;
}

/** One delivery being worked on. `stopReason` says why its controller was aborted, if it was. */
export interface RunningJob {
  key: string;
  delivery: Delivery;
  jobId: string;
  attempt: number;
  controller: AbortController;
  stopReason?: "cancel" | "handback";
  /** Set once the job row is loaded and marked running by this node. */
  job?: JobRow;
}

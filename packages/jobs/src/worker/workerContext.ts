import type { JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import type { PipelineEnv, StepCatalogue } from "@atelier/pipeline";
import type { Logger } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import type { JobLifecycle } from "../lifecycle/jobLifecycle.ts";
import type { JobTiming } from "../timing.ts";

/** What every job run on a node shares. */
export interface WorkerContext {
  nodeId: string;
  db: Database;
  bus: JobBus;
  storage: ObjectStorage;
  lifecycle: JobLifecycle;
  pipelineEnv: PipelineEnv;
  catalogue: StepCatalogue;
  log: Logger;
  timing: JobTiming;
  /** Largest original a job may read. */
  maxInputBytes: number;
}

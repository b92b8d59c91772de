import type { JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import type { PipelineEnv } from "@atelier/pipeline";
import type { Logger } from "@atelier/shared";
import type { Config } from "./env.ts";
import type { ObjectStorage } from "@atelier/storage";

/** What procedures and HTTP handlers may use; built once per process by createApp, or by a test. */
export interface Services {
  config: Config;
  db: Database;
  storage: ObjectStorage;
  bus: JobBus;
  /** Moves committed jobs from the outbox to the bus; `kick()` after a submit publishes at once. */
  dispatcher: { kick(): void };
  log: Logger;
  /** What steps run with in this installation: limits, providers, models, tokens. */
  pipelineEnv: PipelineEnv;
}

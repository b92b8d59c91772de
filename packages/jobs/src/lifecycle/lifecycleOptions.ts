import type { JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import type { PipelineEnv, StepCatalogue } from "@atelier/pipeline";
import type { Logger } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import type { BillingMode } from "../billing/creditLedger.ts";
import type { JobPublisher } from "../relay/outboxRelay.ts";
import type { JobTiming } from "../timing.ts";
import type { GroupCommitSettings } from "./jobInsert.ts";
import type { JobWebhookSettings } from "./jobWebhooks.ts";

/** What a JobLifecycle runs with: its stores, its timing, and the settings of billing and webhooks. */
export interface JobLifecycleOptions {
  db: Database;
  bus: JobBus;
  storage: ObjectStorage;
  log: Logger;
  timing: JobTiming;
  /**
   * Publishes a job right after its commit (the outbox relay of this process). Without one, as on a
   * GPU node, jobs queued here are published by the next outbox pass of a server.
   */
  publisher?: JobPublisher;
  /** Steps a spec may name; the pipeline package's full catalogue by default. */
  catalogue?: StepCatalogue;
  /**
   * What submissions are checked against before they are written: which steps run in this installation.
   * Without one (a GPU node, which never submits) only the specs' own schemas are checked.
   */
  pipelineEnv?: PipelineEnv;
  /** `credits` refuses jobs the organization cannot pay for; `off` (default) only meters them. */
  billing?: BillingMode;
  /**
   * Outgoing webhooks: every end of a job (succeeded, failed, cancelled) writes its deliveries in the
   * transaction that ends it; `written` wakes this process's dispatcher (others find them when they poll).
   */
  webhooks?: JobWebhookSettings;
  /** Group commit of submissions (jobInsert.ts); false writes each submission on its own. */
  groupCommit?: GroupCommitSettings | false;
}

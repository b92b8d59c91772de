import type { JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import type { PipelineEnv, StepCatalogue } from "@atelier/pipeline";
import type { Logger } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import type { BillingMode } from "./billing/creditLedger.ts";
import type { GroupCommitSettings } from "./lifecycle/jobInsert.ts";
import { JobLifecycle } from "./lifecycle/jobLifecycle.ts";
import { type OutboxRelay, startOutboxRelay } from "./relay/outboxRelay.ts";
import { type StaleSweeper, startStaleSweeper } from "./relay/staleSweeper.ts";
import type { JobTiming } from "./timing.ts";
import {
  DEFAULT_WEBHOOK_SETTINGS,
  startWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookSettings,
} from "./webhooks/dispatcher.ts";

export interface JobEngine {
  lifecycle: JobLifecycle;
  relay: OutboxRelay;
  sweeper: StaleSweeper;
  /** Sends the webhook outbox the lifecycle (and the server's asset changes) write. */
  webhooks: WebhookDispatcher;
  stop(): Promise<void>;
}

/**
 * The server side of the job engine: the lifecycle that routers call, the outbox relay that
 * publishes committed jobs, the sweep that repairs lost messages and lost nodes, and the
 * dispatcher that sends outgoing webhooks.
 */
export function startJobEngine(options: {
  db: Database;
  bus: JobBus;
  storage: ObjectStorage;
  log: Logger;
  timing: JobTiming;
  catalogue?: StepCatalogue;
  /** Submissions are checked against it (available steps, the organization's formats and styles). */
  pipelineEnv?: PipelineEnv;
  /** Only for an in-process bus, where a restart loses every message and no other process runs jobs. */
  republishAllOnStart?: boolean;
  /** `credits` refuses jobs an organization cannot pay for; `off` (default) meters them only. */
  billing?: BillingMode;
  /** How often reservations of ended jobs are settled (reconcileReservations); default a minute. */
  reconcileIntervalMs?: number;
  webhooks?: Partial<WebhookSettings>;
  /** Group commit of submissions (lifecycle/jobInsert.ts): its defaults, or false for one statement each. */
  groupCommit?: GroupCommitSettings | false;
}): JobEngine {
  const { db, bus, storage, log, timing } = options;
  const relay = startOutboxRelay({ db, bus, log: log.child({ part: "outbox" }), timing });
  const webhookSettings = { ...DEFAULT_WEBHOOK_SETTINGS, ...options.webhooks };
  const webhooks = startWebhookDispatcher({
    db,
    log: log.child({ part: "webhooks" }),
    settings: webhookSettings,
  });
  const lifecycle = new JobLifecycle({
    db,
    bus,
    storage,
    log,
    timing,
    publisher: relay,
    catalogue: options.catalogue,
    pipelineEnv: options.pipelineEnv,
    billing: options.billing,
    webhooks: { retryWindowMs: webhookSettings.retryWindowMs, written: webhooks.kick },
    groupCommit: options.groupCommit,
  });
  const sweeper = startStaleSweeper({
    lifecycle,
    bus,
    log: log.child({ part: "sweeper" }),
    timing,
    republishAllOnStart: options.republishAllOnStart,
  });
  let reconciling: Promise<unknown> = Promise.resolve();
  const reconcileTimer = setInterval(() => {
    reconciling = lifecycle
      .reconcile()
      .catch((err: unknown) => log.warn({ err }, "reconciliation pass failed"));
  }, options.reconcileIntervalMs ?? 60_000);
  reconcileTimer.unref();
  return {
    lifecycle,
    relay,
    sweeper,
    webhooks,
    stop: async () => {
      clearInterval(reconcileTimer);
      await reconciling;
      await sweeper.stop();
      await relay.stop();
      await lifecycle.balances.flush();
      await webhooks.stop();
    },
  };
}

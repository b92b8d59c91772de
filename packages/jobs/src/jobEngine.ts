import type { JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import type { PipelineEnv, StepCatalogue } from "@atelier/pipeline";
import type { Logger } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import { JobLifecycle } from "./lifecycle/jobLifecycle.ts";
import { type OutboxRelay, startOutboxRelay } from "./relay/outboxRelay.ts";
import { type StaleSweeper, startStaleSweeper } from "./relay/staleSweeper.ts";
import type { JobTiming } from "./timing.ts";

export interface JobEngine {
  lifecycle: JobLifecycle;
  relay: OutboxRelay;
  sweeper: StaleSweeper;
  stop(): Promise<void>;
}

/**
 * The server side of the job engine: the lifecycle that routers call, the outbox relay that
 * publishes committed jobs, and the sweep that repairs lost messages and lost nodes.
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
}): JobEngine {
  const { db, bus, storage, log, timing } = options;
  const relay = startOutboxRelay({ db, bus, log: log.child({ part: "outbox" }), timing });
  const lifecycle = new JobLifecycle({
    db,
    bus,
    storage,
    log,
    timing,
    publisher: relay,
    catalogue: options.catalogue,
    pipelineEnv: options.pipelineEnv,
  });
  const sweeper = startStaleSweeper({
    lifecycle,
    bus,
    log: log.child({ part: "sweeper" }),
    timing,
    republishAllOnStart: options.republishAllOnStart,
  });
  return {
    lifecycle,
    relay,
    sweeper,
    stop: async () => {
      await sweeper.stop();
      await relay.stop();
    },
  };
}

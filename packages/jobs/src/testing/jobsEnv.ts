import type { JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import { createTestDatabase } from "@atelier/db/testing";
import { testCatalogue } from "@atelier/pipeline/testing";
import type { PriorityClass } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import type { BillingMode } from "../billing/creditLedger.ts";
import { type JobEngine, startJobEngine } from "../jobEngine.ts";
import type { JobRow } from "../jobRow.ts";
import { type JobTiming, jobTiming } from "../timing.ts";
import { startWorker, type Worker, type WorkerOptions } from "../worker/startWorker.ts";
import {
  createTestBus,
  createTestStorage,
  deleteBusKeys,
  randomBusPrefix,
  type Seeded,
  seedProject,
  TEST_REDIS_URL,
  testEnv,
  testLog,
} from "./jobsHarness.ts";

export interface JobsEnv {
  db: Database;
  databaseUrl: string;
  bus: JobBus;
  prefix: string;
  redisUrl: string;
  storage: ObjectStorage;
  /** The data folder: storage lives in its `storage` subfolder. */
  storageDir: string;
  seeded: Seeded;
  timing: JobTiming;
  /** Lifecycle, outbox relay and stale sweeper, as a server runs them. */
  engine: JobEngine;
  submit(
    steps: Array<{ step: string; params?: Record<string, unknown> }>,
    options?: SubmitOptions,
  ): Promise<JobRow>;
  startNode(nodeId: string, options?: NodeOptions): Promise<Worker>;
  close(): Promise<void>;
}

interface SubmitOptions {
  priority?: PriorityClass;
  maxAttempts?: number;
}

type NodeOptions = Partial<Omit<WorkerOptions, "timing">> & { timing?: Partial<JobTiming> };

/** Quick enough for tests: short claims, heartbeats, backoff and outbox passes; sweeps only when asked. */
export function testTiming(overrides: Partial<JobTiming> = {}): JobTiming {
  return jobTiming({
    heartbeatMs: 300,
    claimBlockMs: 100,
    retryBaseMs: 50,
    retryCapMs: 200,
    outboxIntervalMs: 300,
    sweepIntervalMs: 3_600_000,
    ...overrides,
  });
}

/**
 * Postgres, Redis (random prefix), local storage and one seeded project, all removed by close().
 * Submits and nodes use the test catalogue, so the diagnostic steps run here.
 */
export async function createJobsEnv(
  options: {
    timing?: Partial<JobTiming>;
    redisUrl?: string;
    republishAllOnStart?: boolean;
    billing?: BillingMode;
  } = {},
): Promise<JobsEnv> {
  const prefix = randomBusPrefix();
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const timing = testTiming(options.timing);
  const database = await createTestDatabase("postgres", { maxConnections: 8 });
  const db = database.db;
  const bus = createTestBus(prefix, { leaseMs: timing.leaseMs }, redisUrl);
  const store = await createTestStorage();
  const seeded = await seedProject(db, store.storage);
  const engine = startJobEngine({
    db,
    bus,
    storage: store.storage,
    log: testLog,
    timing,
    catalogue: testCatalogue,
    republishAllOnStart: options.republishAllOnStart,
    billing: options.billing,
  });
  const workers: Worker[] = [];
  return {
    db,
    databaseUrl: database.url,
    bus,
    prefix,
    redisUrl,
    storage: store.storage,
    storageDir: store.dir,
    seeded,
    timing,
    engine,
    submit: async (steps, submitOptions = {}) => {
      const { job } = await engine.lifecycle.submit({
        orgId: seeded.orgId,
        projectId: seeded.projectId,
        createdBy: seeded.userId,
        assetIds: [seeded.assetId],
        spec: { steps },
        priority: submitOptions.priority ?? "standard",
        maxAttempts: submitOptions.maxAttempts,
      });
      return job;
    },
    startNode: async (nodeId, nodeOptions = {}) => {
      const { timing: nodeTiming, ...rest } = nodeOptions;
      const worker = await startWorker({
        nodeId,
        db,
        bus,
        storage: store.storage,
        pipelineEnv: testEnv,
        vramBudgetMb: 0,
        log: testLog,
        nvidiaSmi: false,
        catalogue: testCatalogue,
        timing: { ...timing, ...nodeTiming },
        ...rest,
      });
      workers.push(worker);
      return worker;
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.stop({ drainTimeoutMs: 500 })));
      await engine.stop();
      await bus.close();
      await database.close();
      await store.close();
      await deleteBusKeys(prefix, redisUrl).catch(() => undefined);
    },
  };
}

import type { BusTuning, JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import type { PriorityClass } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import { type Dispatcher, type DispatcherOptions, startDispatcher } from "../dispatcher.ts";
import type { JobRow } from "../jobMessage.ts";
import { submitJob } from "../submitJob.ts";
import { startWorker, type Worker, type WorkerOptions } from "../worker/startWorker.ts";
import {
  createTestBus,
  createTestStorage,
  createUrlDatabase,
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
  dispatcher: Dispatcher;
  submit(
    steps: Array<{ step: string; params?: Record<string, unknown> }>,
    options?: SubmitOptions,
  ): Promise<JobRow>;
  startNode(nodeId: string, options?: Partial<WorkerOptions>): Promise<Worker>;
  close(): Promise<void>;
}

interface SubmitOptions {
  priority?: PriorityClass;
  maxAttempts?: number;
}

/** Postgres, Redis (random prefix), local storage and one seeded project, all removed by close(). */
export async function createJobsEnv(
  options: { tuning?: Partial<BusTuning>; redisUrl?: string; dispatcher?: Partial<DispatcherOptions> } = {},
): Promise<JobsEnv> {
  const prefix = randomBusPrefix();
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const database = await createUrlDatabase();
  const db = database.handle.db;
  const bus = createTestBus(prefix, options.tuning, redisUrl);
  const store = await createTestStorage();
  const seeded = await seedProject(db, store.storage);
  const dispatcher = startDispatcher({ db, bus, log: testLog, intervalMs: 300, ...options.dispatcher });
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
    dispatcher,
    submit: async (steps, submitOptions = {}) => {
      const job = await submitJob(db, {
        orgId: seeded.orgId,
        projectId: seeded.projectId,
        createdBy: seeded.userId,
        assetIds: [seeded.assetId],
        spec: { steps },
        priority: submitOptions.priority ?? "standard",
        maxAttempts: submitOptions.maxAttempts,
      });
      dispatcher.kick();
      return job;
    },
    startNode: async (nodeId, workerOptions = {}) => {
      const worker = await startWorker({
        nodeId,
        db,
        bus,
        storage: store.storage,
        pipelineEnv: testEnv,
        vramBudgetMb: 0,
        log: testLog,
        heartbeatMs: 300,
        claimBlockMs: 100,
        retryBaseMs: 50,
        retryCapMs: 200,
        leaseRenewMs: 300,
        nvidiaSmi: false,
        ...workerOptions,
      });
      workers.push(worker);
      return worker;
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.stop({ drainTimeoutMs: 500 })));
      await dispatcher.stop();
      await bus.close();
      await database.close();
      await store.close();
      await deleteBusKeys(prefix, redisUrl).catch(() => undefined);
    },
  };
}

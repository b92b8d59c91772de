import { createBus, type JobBus } from "@atelier/bus";
import { type Database, type DatabaseHandle, eq, schema } from "@atelier/db";
import { createTestDatabase } from "@atelier/db/testing";
import { AppError } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import { afterAll, beforeAll, expect } from "vitest";
import { busMessageOf, type JobRow } from "../jobRow.ts";
import {
  createTestStorage,
  jobEvents,
  jobRow,
  randomBusPrefix,
  type Seeded,
  seedProject,
  testLog,
} from "../testing/jobsHarness.ts";
import { testTiming } from "../testing/jobsEnv.ts";
import { EventSink } from "../worker/eventSink.ts";
import type { JobRun } from "../worker/jobRun.ts";
import { JobLifecycle } from "./jobLifecycle.ts";

export const transient = new AppError("UPSTREAM_ERROR", "The model host answered 503.");
export const permanent = new AppError("CORRUPT_IMAGE", "The image cannot be decoded.");
export const old = () => new Date(Date.now() - 60_000);

export interface LifecycleTestbed {
  readonly db: Database;
  readonly bus: JobBus;
  readonly seeded: Seeded;
  readonly lifecycle: JobLifecycle;
  /** A job of the seeded project, just submitted. */
  submitted(maxAttempts?: number): Promise<JobRow>;
  /** Forces a row into a state, as another process or an earlier crash could have left it. */
  force(
    job: JobRow,
    state: Partial<Pick<JobRow, "status" | "attempt" | "nodeId" | "updatedAt">>,
  ): Promise<JobRow>;
  /** A real delivery of the job at `attempt` from the bus, as a node would hold it. */
  delivered(job: JobRow, nodeId: string, attempt?: number): Promise<JobRun>;
  /** A job running on `nodeId` at attempt `attempt`, claimed through the lifecycle. */
  running(nodeId?: string, attempt?: number, maxAttempts?: number): Promise<{ job: JobRow; run: JobRun }>;
  /** The job's events on its project's stream, after every run's pending events are sent. */
  eventsOf(job: JobRow): Promise<Awaited<ReturnType<typeof jobEvents>>>;
}

/**
 * The job lifecycle against a real database and a real bus, as its tests share it: one seeded project,
 * jobs submitted, forced into a state, delivered by the bus and claimed as a node would. Call it at the
 * top of a test file: it opens everything in `beforeAll` and closes it in `afterAll`.
 */
export function lifecycleTestbed(): LifecycleTestbed {
  let handle: DatabaseHandle;
  let bus: JobBus;
  let storage: ObjectStorage;
  let closeStorage: () => Promise<void>;
  let seeded: Seeded;
  let lifecycle: JobLifecycle;
  const timing = testTiming({ leaseMs: 10_000 });
  const runs: JobRun[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    // Publishes of one job attempt are not deduplicated here: tests deliver the same attempt again.
    bus = createBus({ prefix: randomBusPrefix(), logger: testLog, tuning: { dedupeTtlMs: 1 } });
    ({ storage, close: closeStorage } = await createTestStorage());
    seeded = await seedProject(handle.db, storage);
    lifecycle = new JobLifecycle({ db: handle.db, bus, storage, log: testLog, timing });
  });
  afterAll(async () => {
    await bus?.close();
    await handle?.close();
    await closeStorage?.();
  });

  async function submitted(maxAttempts = 3): Promise<JobRow> {
    const { job } = await lifecycle.submit({
      orgId: seeded.orgId,
      projectId: seeded.projectId,
      createdBy: seeded.userId,
      assetIds: [seeded.assetId],
      spec: { steps: [{ step: "resize", params: { width: 10 } }] },
      priority: "standard",
      maxAttempts,
    });
    return job;
  }

  async function force(
    job: JobRow,
    state: Partial<Pick<JobRow, "status" | "attempt" | "nodeId" | "updatedAt">>,
  ): Promise<JobRow> {
    const [row] = await handle.db
      .update(schema.jobs)
      .set(state)
      .where(eq(schema.jobs.id, job.id))
      .returning();
    return row!;
  }

  async function delivered(job: JobRow, nodeId: string, attempt = job.attempt): Promise<JobRun> {
    await new Promise((r) => setTimeout(r, 3));
    await bus.publish(busMessageOf({ ...job, attempt }));
    // Earlier cases leave retries and re-publishes on the bus: those are acknowledged and dropped.
    const claimed = await bus.claim({ consumer: nodeId, freeVramMb: 100_000, max: 100, blockMs: 0 });
    const delivery = claimed.find((d) => d.message.jobId === job.id);
    await bus.ackMany(claimed.filter((d) => d !== delivery));
    if (!delivery) throw new Error("the bus did not deliver the job");
    const run: JobRun = {
      key: delivery.id,
      delivery,
      jobId: job.id,
      nodeId,
      attempt: delivery.message.attempt,
      controller: new AbortController(),
      events: new EventSink(bus, job.projectId, testLog),
    };
    runs.push(run);
    return run;
  }

  async function running(nodeId = "node-a", attempt = 1, maxAttempts = 3) {
    let job = await submitted(maxAttempts);
    if (attempt !== 1) job = await force(job, { attempt });
    const run = await delivered(job, nodeId);
    expect(await lifecycle.claim(run)).not.toBeNull();
    return { job: await jobRow(handle.db, job.id), run };
  }

  async function eventsOf(job: JobRow) {
    await Promise.all(runs.map((r) => r.events.flush()));
    return jobEvents(bus, seeded.projectId, job.id);
  }

  return {
    get db() {
      return handle.db;
    },
    get bus() {
      return bus;
    },
    get seeded() {
      return seeded;
    },
    get lifecycle() {
      return lifecycle;
    },
    submitted,
    force,
    delivered,
    running,
    eventsOf,
  };
}

import { createBus, type JobBus } from "@atelier/bus";
import { type DatabaseHandle, eq, schema } from "@atelier/db";
import { createTestDatabase } from "@atelier/db/testing";
import { AppError, type JobStatus } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

/**
 * The job state machine, once, against a real database: every transition from every state it is
 * allowed in, and the ones it must refuse, each checked by the row it leaves and the event it emits.
 */

let handle: DatabaseHandle;
let bus: JobBus;
let storage: ObjectStorage;
let closeStorage: () => Promise<void>;
let seeded: Seeded;
let lifecycle: JobLifecycle;
const timing = testTiming({ leaseMs: 10_000 });

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

/** Forces a row into a state, as another process or an earlier crash could have left it. */
async function force(
  job: JobRow,
  state: Partial<Pick<JobRow, "status" | "attempt" | "nodeId" | "updatedAt">>,
) {
  const [row] = await handle.db.update(schema.jobs).set(state).where(eq(schema.jobs.id, job.id)).returning();
  return row!;
}

/** A real delivery of the job at `attempt` from the bus, as a node would hold it. */
const runs: JobRun[] = [];
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

/** A job running on `nodeId` at attempt `attempt`, claimed through the lifecycle. */
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

const transient = new AppError("UPSTREAM_ERROR", "The model host answered 503.");
const permanent = new AppError("CORRUPT_IMAGE", "The image cannot be decoded.");
const old = () => new Date(Date.now() - 60_000);

interface Case {
  name: string;
  act: () => Promise<{ job: JobRow; result?: unknown }>;
  status: JobStatus;
  attempt: number;
  event?: string;
}

const allowed: Case[] = [
  {
    name: "submit: → queued at attempt 1",
    act: async () => ({ job: await submitted() }),
    status: "queued",
    attempt: 1,
    event: "job.queued",
  },
  {
    name: "claim: queued → running",
    act: async () => ({ job: (await running()).job }),
    status: "running",
    attempt: 1,
    event: "job.claimed",
  },
  {
    name: "claim: running on a silent node → taken over as a new attempt",
    act: async () => {
      const { job } = await running("node-dead");
      await force(job, { updatedAt: old() });
      const run = await delivered(job, "node-b");
      await lifecycle.claim(run);
      return { job };
    },
    status: "running",
    attempt: 2,
    event: "job.claimed",
  },
  {
    name: "succeed: running → succeeded",
    act: async () => {
      const { job, run } = await running();
      return { job, result: await lifecycle.succeed(run, []) };
    },
    status: "succeeded",
    attempt: 1,
    event: "job.succeeded",
  },
  {
    name: "settle a transient error: running → queued as the next attempt",
    act: async () => {
      const { job, run } = await running();
      await lifecycle.settle(run, transient);
      return { job };
    },
    status: "queued",
    attempt: 2,
    event: "job.retrying",
  },
  {
    name: "settle a transient error on the last attempt: running → failed (dead letter)",
    act: async () => {
      const { job, run } = await running("node-a", 3, 3);
      await lifecycle.settle(run, transient);
      return { job };
    },
    status: "failed",
    attempt: 3,
    event: "job.failed",
  },
  {
    name: "settle an input error: running → failed at once",
    act: async () => {
      const { job, run } = await running();
      await lifecycle.settle(run, permanent);
      return { job };
    },
    status: "failed",
    attempt: 1,
    event: "job.failed",
  },
  {
    name: "hand back on shutdown: running → queued as a new attempt",
    act: async () => {
      const { job, run } = await running();
      run.stopReason = "handback";
      await lifecycle.settle(run, new AppError("CANCELLED", "stopping"));
      return { job };
    },
    status: "queued",
    attempt: 2,
    event: "job.queued",
  },
  {
    name: "cancel: queued → cancelled",
    act: async () => {
      const job = await submitted();
      return { job, result: await lifecycle.cancel(job.id) };
    },
    status: "cancelled",
    attempt: 1,
    event: "job.cancelled",
  },
  {
    name: "cancel: running → cancelled",
    act: async () => {
      const { job } = await running();
      return { job, result: await lifecycle.cancel(job.id) };
    },
    status: "cancelled",
    attempt: 1,
    event: "job.cancelled",
  },
  {
    name: "retry: failed → queued as the next attempt",
    act: async () => {
      const job = await force(await submitted(), { status: "failed" });
      return { job, result: await lifecycle.retry(job.id) };
    },
    status: "queued",
    attempt: 2,
    event: "job.queued",
  },
  {
    name: "retry: cancelled → queued as the next attempt",
    act: async () => {
      const job = await submitted();
      await lifecycle.cancel(job.id);
      return { job, result: await lifecycle.retry(job.id) };
    },
    status: "queued",
    attempt: 2,
    event: "job.queued",
  },
  {
    name: "requeue a dead letter: failed → queued as the next attempt",
    act: async () => {
      const { job, run } = await running("node-a", 1, 1);
      await lifecycle.settle(run, transient);
      const letter = (await bus.listDeadLetters()).find((l) => l.message.jobId === job.id)!;
      return { job, result: await lifecycle.requeueDead(letter.id) };
    },
    status: "queued",
    attempt: 2,
    event: "job.queued",
  },
  {
    name: "requeue stale: running with a silent node → queued as a new attempt",
    act: async () => {
      const { job } = await running("node-gone");
      await force(job, { updatedAt: old() });
      await lifecycle.requeueStale({ runningOlderThanMs: 30_000, queuedOlderThanMs: 3_600_000 });
      return { job };
    },
    status: "queued",
    attempt: 2,
    event: "job.queued",
  },
  {
    name: "requeue stale: a queued job nobody claimed stays queued and is published again",
    act: async () => {
      const job = await force(await submitted(), { updatedAt: old() });
      return {
        job,
        result: await lifecycle.requeueStale({ runningOlderThanMs: 30_000, queuedOlderThanMs: 30_000 }),
      };
    },
    status: "queued",
    attempt: 1,
    event: "job.queued",
  },
];

const refused: Array<{ name: string; given: () => Promise<JobRow>; act: (job: JobRow) => Promise<unknown> }> =
  [
    {
      name: "cancel a succeeded job",
      given: async () => force(await submitted(), { status: "succeeded" }),
      act: (j) => lifecycle.cancel(j.id),
    },
    {
      name: "cancel a failed job",
      given: async () => force(await submitted(), { status: "failed" }),
      act: (j) => lifecycle.cancel(j.id),
    },
    { name: "retry a queued job", given: () => submitted(), act: (j) => lifecycle.retry(j.id) },
    {
      name: "retry a running job",
      given: async () => (await running()).job,
      act: (j) => lifecycle.retry(j.id),
    },
    {
      name: "retry a succeeded job",
      given: async () => force(await submitted(), { status: "succeeded" }),
      act: (j) => lifecycle.retry(j.id),
    },
    {
      name: "claim a delivery of a superseded attempt",
      given: async () => force(await submitted(), { attempt: 2 }),
      act: async (j) => lifecycle.claim(await delivered(j, "node-b", 1)),
    },
    {
      name: "claim a job another live node runs",
      given: async () => (await running("node-other")).job,
      act: async (j) => lifecycle.claim(await delivered(j, "node-b", 2)),
    },
    {
      name: "claim a cancelled job",
      given: async () => force(await submitted(), { status: "cancelled" }),
      act: async (j) => lifecycle.claim(await delivered(j, "node-b")),
    },
    {
      name: "claim a succeeded job",
      given: async () => force(await submitted(), { status: "succeeded" }),
      act: async (j) => lifecycle.claim(await delivered(j, "node-b")),
    },
    {
      name: "succeed from an attempt that was taken over",
      given: async () => {
        const { job, run } = await running("node-slow");
        await force(job, { updatedAt: old() });
        await lifecycle.claim(await delivered(job, "node-b"));
        lateRuns.set(job.id, run);
        return jobRow(handle.db, job.id);
      },
      act: async (j) => lifecycle.succeed(lateRuns.get(j.id)!, []),
    },
    {
      name: "fail from an attempt that was taken over",
      given: async () => {
        const { job, run } = await running("node-slow");
        await force(job, { updatedAt: old() });
        await lifecycle.claim(await delivered(job, "node-b"));
        lateRuns.set(job.id, run);
        return jobRow(handle.db, job.id);
      },
      act: async (j) => lifecycle.settle(lateRuns.get(j.id)!, transient),
    },
    {
      name: "succeed a job cancelled while it ran",
      given: async () => {
        const { job, run } = await running();
        await lifecycle.cancel(job.id);
        lateRuns.set(job.id, run);
        return jobRow(handle.db, job.id);
      },
      act: async (j) => lifecycle.succeed(lateRuns.get(j.id)!, []),
    },
    {
      name: "requeue stale: a running job whose node is alive",
      given: async () => (await running()).job,
      act: () => lifecycle.requeueStale({ runningOlderThanMs: 30_000, queuedOlderThanMs: 3_600_000 }),
    },
  ];
const lateRuns = new Map<string, JobRun>();

describe("allowed transitions", () => {
  it.each(allowed)("$name", async ({ act, status, attempt, event }) => {
    const { job, result } = await act();
    expect(result ?? true).toBeTruthy();
    const row = await jobRow(handle.db, job.id);
    expect({ status: row.status, attempt: row.attempt }).toEqual({ status, attempt });
    expect((await eventsOf(job)).at(-1)?.type).toBe(event);
  });
});

describe("refused transitions leave the job as it was", () => {
  it.each(refused)("$name", async ({ given, act }) => {
    const before = await given();
    const eventsBefore = (await eventsOf(before)).length;
    const result = await act(before);
    expect(result === null || result === false || result === 0 || result === undefined).toBe(true);
    const after = await jobRow(handle.db, before.id);
    expect({ status: after.status, attempt: after.attempt, nodeId: after.nodeId }).toEqual({
      status: before.status,
      attempt: before.attempt,
      nodeId: before.nodeId,
    });
    expect((await eventsOf(before)).length).toBe(eventsBefore);
  });

  it("requeueing a dead letter whose job is no longer failed is a conflict", async () => {
    const { job, run } = await running("node-a", 1, 1);
    await lifecycle.settle(run, transient);
    const letter = (await bus.listDeadLetters()).find((l) => l.message.jobId === job.id)!;
    await force(job, { status: "succeeded" });
    await expect(lifecycle.requeueDead(letter.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(lifecycle.requeueDead(letter.id, { orgId: crypto.randomUUID() })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("a job that failed", () => {
  it("on its own input is never run again, not even on a person's request", async () => {
    const { job, run } = await running("node-a", 1, 3);
    await lifecycle.settle(run, new AppError("VALIDATION_ERROR", 'Unknown format "instagram".'));
    expect((await jobRow(handle.db, job.id)).status).toBe("failed");
    await expect(lifecycle.retry(job.id)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("running it again would fail the same way"),
    });
    const after = await jobRow(handle.db, job.id);
    expect([after.status, after.attempt]).toEqual(["failed", 1]);
  });

  it("is listed in the dead letters once, however often a person retries it", async () => {
    const { job, run } = await running("node-a", 1, 1);
    await lifecycle.settle(run, transient);
    const lettersOf = async () =>
      (await bus.listDeadLetters({ count: 10_000 })).filter((l) => l.message.jobId === job.id);
    expect(await lettersOf()).toHaveLength(1);
    const retried = await lifecycle.retry(job.id);
    expect(retried?.attempt).toBe(2);
    expect(await lettersOf()).toHaveLength(0);
    const second = await delivered(retried!, "node-a");
    expect(await lifecycle.claim(second)).not.toBeNull();
    await lifecycle.settle(second, transient);
    expect((await jobRow(handle.db, job.id)).status).toBe("failed");
    expect((await lettersOf()).map((l) => l.errors.map((e) => e.attempt))).toEqual([[1, 2]]);
  });
});

describe("a takeover", () => {
  it("keeps the first node's attempt row and says why it ended", async () => {
    const { job } = await running("node-first");
    await force(job, { updatedAt: old() });
    await lifecycle.claim(await delivered(job, "node-second"));
    const attempts = await handle.db
      .select()
      .from(schema.jobAttempts)
      .where(eq(schema.jobAttempts.jobId, job.id))
      .orderBy(schema.jobAttempts.attempt);
    expect(attempts.map((a) => [a.attempt, a.nodeId, a.finishedAt !== null])).toEqual([
      [1, "node-first", true],
      [2, "node-second", false],
    ]);
    expect(attempts[0]?.error).toMatchObject({
      code: "TIMEOUT",
      message: expect.stringContaining("node-first"),
    });
  });
});

describe("the organization's count of live jobs", () => {
  it("follows every transition above, whichever path moved the job, and caps submits", async () => {
    const [org] = await handle.db
      .select({ liveJobs: schema.organizations.liveJobs })
      .from(schema.organizations)
      .where(eq(schema.organizations.id, seeded.orgId));
    const live = await handle.db.select().from(schema.jobs).where(eq(schema.jobs.orgId, seeded.orgId));
    const counted = live.filter((j) => j.status === "queued" || j.status === "running").length;
    expect(counted).toBeGreaterThan(0);
    expect(org!.liveJobs).toBe(counted);

    const capped = { maxLiveJobs: counted + 1 };
    const input = {
      orgId: seeded.orgId,
      projectId: seeded.projectId,
      createdBy: seeded.userId,
      assetIds: [seeded.assetId],
      spec: { steps: [{ step: "resize", params: { width: 10 } }] },
      priority: "standard" as const,
    };
    await lifecycle.submit({ ...input, ...capped });
    await expect(lifecycle.submit({ ...input, ...capped })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await handle.db.delete(schema.jobs).where(eq(schema.jobs.orgId, seeded.orgId));
    const [after] = await handle.db
      .select({ liveJobs: schema.organizations.liveJobs })
      .from(schema.organizations)
      .where(eq(schema.organizations.id, seeded.orgId));
    expect(after!.liveJobs).toBe(0);
  });
});

import { eq, schema } from "@atelier/db";
import { AppError, type JobStatus } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import type { JobRow } from "../jobRow.ts";
import { jobRow } from "../testing/jobsHarness.ts";
import type { JobRun } from "../worker/jobRun.ts";
import { lifecycleTestbed, old, permanent, transient } from "./lifecycleTestbed.ts";

/**
 * The job state machine, once, against a real database: every transition from every state it is
 * allowed in, and the ones it must refuse, each checked by the row it leaves and the event it emits.
 * Failures, dead letters and takeovers in detail: jobFailures.test.ts.
 */

const bed = lifecycleTestbed();
const { submitted, force, delivered, running, eventsOf } = bed;

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
      await bed.lifecycle.claim(run);
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
      return { job, result: await bed.lifecycle.succeed(run, []) };
    },
    status: "succeeded",
    attempt: 1,
    event: "job.succeeded",
  },
  {
    name: "settle a transient error: running → queued as the next attempt",
    act: async () => {
      const { job, run } = await running();
      await bed.lifecycle.settle(run, transient);
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
      await bed.lifecycle.settle(run, transient);
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
      await bed.lifecycle.settle(run, permanent);
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
      await bed.lifecycle.settle(run, new AppError("CANCELLED", "stopping"));
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
      return { job, result: await bed.lifecycle.cancel(job.id) };
    },
    status: "cancelled",
    attempt: 1,
    event: "job.cancelled",
  },
  {
    name: "cancel: running → cancelled",
    act: async () => {
      const { job } = await running();
      return { job, result: await bed.lifecycle.cancel(job.id) };
    },
    status: "cancelled",
    attempt: 1,
    event: "job.cancelled",
  },
  {
    name: "retry: failed → queued as the next attempt",
    act: async () => {
      const job = await force(await submitted(), { status: "failed" });
      return { job, result: await bed.lifecycle.retry(job.id) };
    },
    status: "queued",
    attempt: 2,
    event: "job.queued",
  },
  {
    name: "retry: cancelled → queued as the next attempt",
    act: async () => {
      const job = await submitted();
      await bed.lifecycle.cancel(job.id);
      return { job, result: await bed.lifecycle.retry(job.id) };
    },
    status: "queued",
    attempt: 2,
    event: "job.queued",
  },
  {
    name: "requeue a dead letter: failed → queued as the next attempt",
    act: async () => {
      const { job, run } = await running("node-a", 1, 1);
      await bed.lifecycle.settle(run, transient);
      const letter = (await bed.bus.listDeadLetters()).find((l) => l.message.jobId === job.id)!;
      return { job, result: await bed.lifecycle.requeueDead(letter.id) };
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
      await bed.lifecycle.requeueStale({ runningOlderThanMs: 30_000, queuedOlderThanMs: 3_600_000 });
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
        result: await bed.lifecycle.requeueStale({ runningOlderThanMs: 30_000, queuedOlderThanMs: 30_000 }),
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
      act: (j) => bed.lifecycle.cancel(j.id),
    },
    {
      name: "cancel a failed job",
      given: async () => force(await submitted(), { status: "failed" }),
      act: (j) => bed.lifecycle.cancel(j.id),
    },
    { name: "retry a queued job", given: () => submitted(), act: (j) => bed.lifecycle.retry(j.id) },
    {
      name: "retry a running job",
      given: async () => (await running()).job,
      act: (j) => bed.lifecycle.retry(j.id),
    },
    {
      name: "retry a succeeded job",
      given: async () => force(await submitted(), { status: "succeeded" }),
      act: (j) => bed.lifecycle.retry(j.id),
    },
    {
      name: "claim a delivery of a superseded attempt",
      given: async () => force(await submitted(), { attempt: 2 }),
      act: async (j) => bed.lifecycle.claim(await delivered(j, "node-b", 1)),
    },
    {
      name: "claim a job another live node runs",
      given: async () => (await running("node-other")).job,
      act: async (j) => bed.lifecycle.claim(await delivered(j, "node-b", 2)),
    },
    {
      name: "claim a cancelled job",
      given: async () => force(await submitted(), { status: "cancelled" }),
      act: async (j) => bed.lifecycle.claim(await delivered(j, "node-b")),
    },
    {
      name: "claim a succeeded job",
      given: async () => force(await submitted(), { status: "succeeded" }),
      act: async (j) => bed.lifecycle.claim(await delivered(j, "node-b")),
    },
    {
      name: "succeed from an attempt that was taken over",
      given: async () => {
        const { job, run } = await running("node-slow");
        await force(job, { updatedAt: old() });
        await bed.lifecycle.claim(await delivered(job, "node-b"));
        lateRuns.set(job.id, run);
        return jobRow(bed.db, job.id);
      },
      act: async (j) => bed.lifecycle.succeed(lateRuns.get(j.id)!, []),
    },
    {
      name: "fail from an attempt that was taken over",
      given: async () => {
        const { job, run } = await running("node-slow");
        await force(job, { updatedAt: old() });
        await bed.lifecycle.claim(await delivered(job, "node-b"));
        lateRuns.set(job.id, run);
        return jobRow(bed.db, job.id);
      },
      act: async (j) => bed.lifecycle.settle(lateRuns.get(j.id)!, transient),
    },
    {
      name: "succeed a job cancelled while it ran",
      given: async () => {
        const { job, run } = await running();
        await bed.lifecycle.cancel(job.id);
        lateRuns.set(job.id, run);
        return jobRow(bed.db, job.id);
      },
      act: async (j) => bed.lifecycle.succeed(lateRuns.get(j.id)!, []),
    },
    {
      name: "requeue stale: a running job whose node is alive",
      given: async () => (await running()).job,
      act: () => bed.lifecycle.requeueStale({ runningOlderThanMs: 30_000, queuedOlderThanMs: 3_600_000 }),
    },
  ];
const lateRuns = new Map<string, JobRun>();

describe("allowed transitions", () => {
  it.each(allowed)("$name", async ({ act, status, attempt, event }) => {
    const { job, result } = await act();
    expect(result ?? true).toBeTruthy();
    const row = await jobRow(bed.db, job.id);
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
    const after = await jobRow(bed.db, before.id);
    expect({ status: after.status, attempt: after.attempt, nodeId: after.nodeId }).toEqual({
      status: before.status,
      attempt: before.attempt,
      nodeId: before.nodeId,
    });
    expect((await eventsOf(before)).length).toBe(eventsBefore);
  });

  it("requeueing a dead letter whose job is no longer failed is a conflict", async () => {
    const { job, run } = await running("node-a", 1, 1);
    await bed.lifecycle.settle(run, transient);
    const letter = (await bed.bus.listDeadLetters()).find((l) => l.message.jobId === job.id)!;
    await force(job, { status: "succeeded" });
    await expect(bed.lifecycle.requeueDead(letter.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(bed.lifecycle.requeueDead(letter.id, { orgId: crypto.randomUUID() })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("the organization's count of live jobs", () => {
  it("follows every transition above, whichever path moved the job, and caps submits", async () => {
    const [org] = await bed.db
      .select({ liveJobs: schema.organizations.liveJobs })
      .from(schema.organizations)
      .where(eq(schema.organizations.id, bed.seeded.orgId));
    const live = await bed.db.select().from(schema.jobs).where(eq(schema.jobs.orgId, bed.seeded.orgId));
    const counted = live.filter((j) => j.status === "queued" || j.status === "running").length;
    expect(counted).toBeGreaterThan(0);
    expect(org!.liveJobs).toBe(counted);

    const capped = { maxLiveJobs: counted + 1 };
    const input = {
      orgId: bed.seeded.orgId,
      projectId: bed.seeded.projectId,
      createdBy: bed.seeded.userId,
      assetIds: [bed.seeded.assetId],
      spec: { steps: [{ step: "resize", params: { width: 10 } }] },
      priority: "standard" as const,
    };
    await bed.lifecycle.submit({ ...input, ...capped });
    await expect(bed.lifecycle.submit({ ...input, ...capped })).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    await bed.db.delete(schema.jobs).where(eq(schema.jobs.orgId, bed.seeded.orgId));
    const [after] = await bed.db
      .select({ liveJobs: schema.organizations.liveJobs })
      .from(schema.organizations)
      .where(eq(schema.organizations.id, bed.seeded.orgId));
    expect(after!.liveJobs).toBe(0);
  });
});

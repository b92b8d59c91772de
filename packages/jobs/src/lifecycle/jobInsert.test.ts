import { randomUUID } from "node:crypto";
import { and, type DatabaseHandle, eq, inArray, schema, sql } from "@atelier/db";
import { createTestDatabase } from "@atelier/db/testing";
import type { ObjectStorage } from "@atelier/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStorage, type Seeded, seedProject } from "../testing/jobsHarness.ts";
import { appendEntry } from "../billing/creditLedger.ts";
import { type JobInsert, JobWriter } from "./jobInsert.ts";
import { prepareSubmission } from "./submission.ts";

/**
 * Group commit of submissions against a real database: what arrives together is written together,
 * every submission still gets its own answer, and a bad one fails alone.
 */

let handle: DatabaseHandle;
let storage: ObjectStorage;
let closeStorage: () => Promise<void>;
let seeded: Seeded;

beforeAll(async () => {
  handle = await createTestDatabase("postgres");
  ({ storage, close: closeStorage } = await createTestStorage());
  seeded = await seedProject(handle.db, storage);
});
afterAll(async () => {
  await handle?.close();
  await closeStorage?.();
});

/** A submission whose resize width tells it apart from the others. */
function submission(width: number, overrides: { projectId?: string; orgId?: string } = {}): JobInsert {
  const { job, steps } = prepareSubmission({
    orgId: overrides.orgId ?? seeded.orgId,
    projectId: overrides.projectId ?? seeded.projectId,
    createdBy: seeded.userId,
    assetIds: [seeded.assetId],
    spec: {
      steps: [
        { step: "resize", params: { width } },
        { step: "resize", params: { width: width + 1 } },
      ],
    },
    priority: "standard",
  });
  return { job, steps, credits: 0, enforceCredits: false, preset: null };
}

async function stepsOf(jobIds: string[]) {
  return handle.db
    .select({ jobId: schema.jobSteps.jobId, index: schema.jobSteps.index, params: schema.jobSteps.params })
    .from(schema.jobSteps)
    .where(inArray(schema.jobSteps.jobId, jobIds));
}

describe("JobWriter (group commit)", () => {
  it("writes 60 submissions made at once in a few statements, each job with its own steps and outbox row", async () => {
    // One statement at a time, so the order across batches is the order of arrival too.
    const writer = new JobWriter(handle.db, { maxBatch: 64, maxInFlight: 1 });
    const items = Array.from({ length: 60 }, (_, i) => submission(100 + i));
    const answers = await Promise.all(items.map((item) => writer.write(item)));
    expect(writer.stats!.batches).toBeLessThanOrEqual(3);

    const ids = items.map((i) => i.job.id);
    const jobs = await handle.db.select().from(schema.jobs).where(inArray(schema.jobs.id, ids));
    expect(jobs).toHaveLength(60);
    for (const item of items) {
      const row = jobs.find((j) => j.id === item.job.id)!;
      expect(row).toMatchObject({
        status: "queued",
        attempt: 1,
        projectId: seeded.projectId,
        priority: "standard",
      });
      expect(row.spec).toEqual(item.job.spec);
    }
    const steps = await stepsOf(ids);
    expect(steps).toHaveLength(120);
    items.forEach((item, i) => {
      const own = steps.filter((s) => s.jobId === item.job.id).sort((a, b) => a.index - b.index);
      expect(own.map((s) => (s.params as { width: number }).width)).toEqual([100 + i, 101 + i]);
    });
    // Outbox rows (the order jobs are published in) follow the order the submissions arrived in.
    const outbox = await handle.db
      .select({ id: schema.outbox.id, jobId: sql<string>`${schema.outbox.payload}->>'jobId'` })
      .from(schema.outbox)
      .where(sql`${schema.outbox.payload}->>'jobId' = any(${`{${ids.join(",")}}`}::text[])`)
      .orderBy(schema.outbox.id);
    expect(outbox.map((o) => o.jobId)).toEqual(ids);
    // Each submission is answered its own outbox row, which the relay marks by that key.
    expect(answers).toEqual(outbox.map((o) => o.id));
  });

  it("fails a submission for a project that does not exist alone; the others of its batch land", async () => {
    const writer = new JobWriter(handle.db, { maxBatch: 64, maxInFlight: 1 });
    // One write in flight, so the rest queue behind it and go as one batch with the bad one inside.
    const first = submission(1);
    const good = Array.from({ length: 10 }, (_, i) => submission(10 + i));
    const bad = submission(99, { projectId: randomUUID() });
    const all = [first, ...good.slice(0, 5), bad, ...good.slice(5)];
    const answers = await Promise.allSettled(all.map((item) => writer.write(item)));
    expect(answers.filter((a) => a.status === "rejected")).toHaveLength(1);
    expect(answers[6]).toMatchObject({ status: "rejected" });
    const reason = (answers[6] as PromiseRejectedResult).reason as Error;
    expect(String(reason.cause ?? reason)).toMatch(/foreign key/i);
    expect(writer.stats!.fallbacks).toBe(1);

    const written = await handle.db
      .select({ id: schema.jobs.id })
      .from(schema.jobs)
      .where(
        inArray(
          schema.jobs.id,
          all.map((i) => i.job.id),
        ),
      );
    expect(written.map((w) => w.id).sort()).toEqual([first, ...good].map((i) => i.job.id).sort());
    expect(await stepsOf([bad.job.id])).toHaveLength(0);
  });

  it("holds the organization's cap inside one batch: of 12 submitted at once with room for 5, 5 are written", async () => {
    const other = await seedProject(handle.db, storage);
    const writer = new JobWriter(handle.db, { maxBatch: 64, maxInFlight: 1 });
    const items = Array.from({ length: 12 }, (_, i) => ({
      ...submission(i + 1, { orgId: other.orgId, projectId: other.projectId }),
      maxLiveJobs: 5,
    }));
    const answers = await Promise.all(items.map((item) => writer.write(item)));
    expect(answers.filter((a) => a !== null)).toHaveLength(5);
    // The first ones to arrive get the room.
    expect(answers.slice(0, 5).every((a) => a !== null)).toBe(true);
    const [org] = await handle.db
      .select({ liveJobs: schema.organizations.liveJobs })
      .from(schema.organizations)
      .where(eq(schema.organizations.id, other.orgId));
    expect(org!.liveJobs).toBe(5);
  });

  it("reserves each written job's price in its statement and passes no balance: 10 credits, 6 jobs of 3 at once, 3 written", async () => {
    const other = await seedProject(handle.db, storage);
    await appendEntry(handle.db, { orgId: other.orgId, kind: "grant", amount: 10, memo: "test" });
    const writer = new JobWriter(handle.db, { maxBatch: 64, maxInFlight: 1 });
    const items = Array.from({ length: 6 }, (_, i) => ({
      ...submission(i + 1, { orgId: other.orgId, projectId: other.projectId }),
      credits: 3,
      enforceCredits: true,
    }));
    const answers = await Promise.all(items.map((item) => writer.write(item)));
    expect(answers.filter((a) => a !== null)).toHaveLength(3);
    const [org] = await handle.db
      .select({ credits: schema.organizations.credits, reserved: schema.organizations.creditsReserved })
      .from(schema.organizations)
      .where(eq(schema.organizations.id, other.orgId));
    expect(org).toEqual({ credits: 1, reserved: 9 });
    const reserves = await handle.db
      .select({ jobId: schema.creditLedger.jobId, amount: schema.creditLedger.amount })
      .from(schema.creditLedger)
      .where(and(eq(schema.creditLedger.orgId, other.orgId), eq(schema.creditLedger.kind, "reserve")));
    expect(reserves.map((r) => r.jobId).sort()).toEqual(
      items
        .filter((_, i) => answers[i] !== null)
        .map((i) => i.job.id)
        .sort(),
    );
    expect(reserves.every((r) => r.amount === -3)).toBe(true);
  });

  it("writes a lone submission at once, without waiting for company", async () => {
    const writer = new JobWriter(handle.db);
    const started = performance.now();
    expect(await writer.write(submission(7))).toEqual(expect.any(Number));
    expect(writer.stats).toMatchObject({ batches: 1, items: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

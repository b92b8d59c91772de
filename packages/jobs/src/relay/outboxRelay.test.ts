import type { JobBus } from "@atelier/bus";
import { eq, inArray, isNull, schema } from "@atelier/db";
import { testCatalogue } from "@atelier/pipeline/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobLifecycle } from "../lifecycle/jobLifecycle.ts";
import { testLog, waitFor } from "../testing/jobsHarness.ts";
import { createJobsEnv, type JobsEnv } from "../testing/jobsEnv.ts";
import { startOutboxRelay } from "./outboxRelay.ts";

async function depth(bus: JobBus): Promise<number> {
  const stats = await bus.stats();
  return stats.streams.reduce((sum, s) => sum + s.depth, 0);
}

describe("the outbox relay", () => {
  let env: JobsEnv;

  beforeAll(async () => {
    // The env's own engine is stopped, so each test drives the passes it checks.
    env = await createJobsEnv();
    await env.engine.stop();
  });
  afterAll(() => env?.close());

  const submitUnpublished = async () => {
    // A lifecycle with no publisher: the commit happens, the publish does not (a crash in between).
    const lifecycle = new JobLifecycle({
      db: env.db,
      bus: env.bus,
      storage: env.storage,
      log: testLog,
      timing: env.timing,
      catalogue: testCatalogue,
    });
    const { job } = await lifecycle.submit({
      orgId: env.seeded.orgId,
      projectId: env.seeded.projectId,
      createdBy: env.seeded.userId,
      assetIds: [env.seeded.assetId],
      spec: { steps: [{ step: "diagnostic" }] },
      priority: "standard",
    });
    return job;
  };

  it("publishes a row committed before a crash on its next periodic pass, and a double publish adds nothing", async () => {
    const job = await submitUnpublished();
    expect(await depth(env.bus)).toBe(0);

    const relay = startOutboxRelay({
      db: env.db,
      bus: env.bus,
      log: testLog,
      timing: { ...env.timing, outboxIntervalMs: 100 },
    });
    await waitFor(async () => (await depth(env.bus)) === 1, 3000, "the job on the bus");
    const unpublished = await env.db.select().from(schema.outbox).where(isNull(schema.outbox.publishedAt));
    expect(unpublished).toEqual([]);

    // A crash after the publish but before marking the row: the row goes out again.
    await env.db.update(schema.outbox).set({ publishedAt: null });
    await relay.flush();
    expect(await depth(env.bus)).toBe(1);
    const claimed = await env.bus.claim({ consumer: "probe", freeVramMb: 0, max: 10, blockMs: 0 });
    expect(claimed.map((d) => d.message)).toEqual([
      expect.objectContaining({ jobId: job.id, attempt: 1, priority: "standard", vramMb: 0 }),
    ]);
    await env.bus.ackMany(claimed);
    await relay.stop();
    await env.db.update(schema.jobs).set({ status: "cancelled" }).where(eq(schema.jobs.id, job.id));
  });

  it("puts a submitted job on the bus at once, and its next pass only marks the row", async () => {
    // The real bus, counting what the passes hand it.
    let passPublishes = 0;
    const bus = new Proxy(env.bus, {
      get(target, key, receiver) {
        if (key === "publishMany")
          return (messages: unknown[]) => {
            passPublishes += messages.length;
            return target.publishMany(messages as never);
          };
        const value = Reflect.get(target, key, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const relay = startOutboxRelay({
      db: env.db,
      bus,
      log: testLog,
      timing: { ...env.timing, outboxIntervalMs: 60_000 },
    });
    await relay.flush();
    const job = await submitUnpublished();
    const [row] = await env.db.select().from(schema.outbox).where(isNull(schema.outbox.publishedAt));
    expect(row?.payload).toMatchObject({ jobId: job.id });
    await relay.publishNow(job, row!.id);
    expect(await depth(env.bus)).toBe(1);

    await relay.flush();
    expect(await env.db.select().from(schema.outbox).where(isNull(schema.outbox.publishedAt))).toEqual([]);
    expect(passPublishes).toBe(0);
    const claimed = await env.bus.claim({ consumer: "probe", freeVramMb: 0, max: 10, blockMs: 0 });
    expect(claimed.map((d) => d.message.jobId)).toEqual([job.id]);
    await env.bus.ackMany(claimed);
    await relay.stop();
    await env.db.update(schema.jobs).set({ status: "cancelled" }).where(eq(schema.jobs.id, job.id));
  });

  it("marks the rows of jobs published at submit once a hundred have gathered, without waiting for a pass", async () => {
    const relay = startOutboxRelay({
      db: env.db,
      bus: env.bus,
      log: testLog,
      timing: { ...env.timing, outboxIntervalMs: 60_000 },
    });
    await relay.flush();
    const jobs = [];
    for (let i = 0; i < 100; i++) jobs.push(await submitUnpublished());
    const rows = await env.db.select().from(schema.outbox).where(isNull(schema.outbox.publishedAt));
    expect(rows).toHaveLength(100);
    const rowOf = new Map(rows.map((r) => [(r.payload as { jobId: string }).jobId, r.id]));
    await Promise.all(jobs.map((job) => relay.publishNow(job, rowOf.get(job.id)!)));
    await waitFor(
      async () =>
        (await env.db.select().from(schema.outbox).where(isNull(schema.outbox.publishedAt))).length === 0,
      3000,
      "the rows marked published",
    );
    await relay.stop();
    const claimed = await env.bus.claim({ consumer: "probe", freeVramMb: 0, max: 200, blockMs: 0 });
    expect(claimed).toHaveLength(100);
    await env.bus.ackMany(claimed);
    const ids = jobs.map((j) => j.id);
    await env.db.update(schema.jobs).set({ status: "cancelled" }).where(inArray(schema.jobs.id, ids));
  });
});

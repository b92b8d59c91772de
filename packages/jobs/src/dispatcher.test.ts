import type { JobBus } from "@atelier/bus";
import { eq, isNull, schema } from "@atelier/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDispatcher } from "./dispatcher.ts";
import { deleteBusKeys, jobRow, testLog, waitFor } from "./testing/jobsHarness.ts";
import { createJobsEnv, type JobsEnv } from "./testing/jobsEnv.ts";

async function depth(bus: JobBus): Promise<number> {
  const stats = await bus.stats();
  return stats.streams.reduce((sum, s) => sum + s.depth, 0);
}

describe("the dispatcher", () => {
  let env: JobsEnv;

  beforeAll(async () => {
    // The env's own dispatcher runs rarely, so each test drives the passes it checks.
    env = await createJobsEnv({ dispatcher: { intervalMs: 60_000, reconcileIntervalMs: 60_000 } });
    await env.dispatcher.stop();
  });
  afterAll(() => env?.close());

  it("publishes a row committed before a crash on its next periodic pass, and a double publish adds nothing", async () => {
    // Submitted with no dispatcher running: the commit happened, the publish did not.
    const job = await env.submit([{ step: "diagnostic" }]);
    expect(await depth(env.bus)).toBe(0);

    const dispatcher = startDispatcher({ db: env.db, bus: env.bus, log: testLog, intervalMs: 100 });
    await waitFor(async () => (await depth(env.bus)) === 1, 3000, "the job on the bus");
    const unpublished = await env.db.select().from(schema.outbox).where(isNull(schema.outbox.publishedAt));
    expect(unpublished).toEqual([]);

    // A crash after the publish but before marking the row: the row goes out again.
    await env.db.update(schema.outbox).set({ publishedAt: null });
    await dispatcher.flush();
    expect(await depth(env.bus)).toBe(1);
    const claimed = await env.bus.claim({ consumer: "probe", freeVramMb: 0, max: 10, blockMs: 0 });
    expect(claimed.map((d) => d.message)).toEqual([
      expect.objectContaining({ jobId: job.id, attempt: 1, priority: "standard", vramMb: 0 }),
    ]);
    await env.bus.ackMany(claimed);
    await dispatcher.stop();
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
    const dispatcher = startDispatcher({ db: env.db, bus, log: testLog, intervalMs: 60_000 });
    const job = await env.submit([{ step: "diagnostic" }]);
    await dispatcher.publishNow(job);
    expect(await depth(env.bus)).toBe(1);
    const [row] = await env.db.select().from(schema.outbox).where(isNull(schema.outbox.publishedAt));
    expect(row?.payload).toMatchObject({ jobId: job.id });

    await dispatcher.flush();
    expect(await env.db.select().from(schema.outbox).where(isNull(schema.outbox.publishedAt))).toEqual([]);
    expect(passPublishes).toBe(0);
    const claimed = await env.bus.claim({ consumer: "probe", freeVramMb: 0, max: 10, blockMs: 0 });
    expect(claimed.map((d) => d.message.jobId)).toEqual([job.id]);
    await env.bus.ackMany(claimed);
    await dispatcher.stop();
    await env.db.update(schema.jobs).set({ status: "cancelled" }).where(eq(schema.jobs.id, job.id));
  });

  it("re-publishes a queued job whose message was lost with the Redis data", async () => {
    const job = await env.submit([{ step: "diagnostic" }]);
    const dispatcher = startDispatcher({
      db: env.db,
      bus: env.bus,
      log: testLog,
      intervalMs: 100,
      staleMs: 200,
    });
    await waitFor(async () => (await depth(env.bus)) === 1, 3000, "the job on the bus");
    await deleteBusKeys(env.prefix);
    expect(await depth(env.bus)).toBe(0);

    // Young jobs are left alone; once the row is older than staleMs a pass publishes it again.
    expect(await dispatcher.reconcile()).toBe(0);
    await new Promise((r) => setTimeout(r, 250));
    expect(await dispatcher.reconcile()).toBe(1);
    expect(await depth(env.bus)).toBe(1);
    // A second pass while the message lives is dropped by the bus as a double.
    await new Promise((r) => setTimeout(r, 250));
    await dispatcher.reconcile();
    expect(await depth(env.bus)).toBe(1);
    expect((await jobRow(env.db, job.id)).status).toBe("queued");
    await dispatcher.stop();
  });

  it("puts a running job whose node went silent back in the queue and publishes it", async () => {
    const job = await env.submit([{ step: "diagnostic" }]);
    await env.db
      .update(schema.jobs)
      .set({ status: "running", nodeId: "gone", updatedAt: new Date(Date.now() - 60_000) })
      .where(eq(schema.jobs.id, job.id));
    await env.db.update(schema.outbox).set({ publishedAt: new Date() });
    await deleteBusKeys(env.prefix);
    const dispatcher = startDispatcher({
      db: env.db,
      bus: env.bus,
      log: testLog,
      intervalMs: 60_000,
      staleMs: 30_000,
    });
    expect(await dispatcher.reconcile()).toBe(1);
    expect(await depth(env.bus)).toBe(1);
    expect(await jobRow(env.db, job.id)).toMatchObject({ status: "queued", nodeId: null, attempt: 1 });
    await dispatcher.stop();
  });
});

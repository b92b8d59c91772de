import { eq, schema, sql } from "@atelier/db";
import { AppError, orgStreamId } from "@atelier/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobsEnv, type JobsEnv } from "../testing/jobsEnv.ts";
import { waitFor, waitForStatus } from "../testing/jobsHarness.ts";
import { ledgerSummary } from "../testing/ledgerSummary.ts";
import { type PrivateRedis, startPrivateRedis } from "../testing/privateRedis.ts";
import { appendEntry, balanceOf } from "./creditLedger.ts";

const quick = [{ step: "diagnostic", params: { ms: 300, ticks: 3 } }];

/** Submits `count` one-credit jobs at once; the accepted jobs and the refusals. */
async function burst(env: JobsEnv, count: number) {
  const results = await Promise.allSettled(Array.from({ length: count }, () => env.submit(quick)));
  const accepted = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  return { accepted, refused };
}

async function expectSettledExactly(env: JobsEnv, jobIds: string[], granted: number) {
  const ledger = await ledgerSummary(env.db, env.seeded.orgId);
  // Every job reserved once and was captured once; nobody else's rows.
  expect([...ledger.jobs.keys()].sort()).toEqual([...jobIds].sort());
  for (const [, job] of ledger.jobs)
    expect(job).toEqual({ reserves: 1, captures: 1, releases: 0, charged: 1 });
  // The ledger sums to exactly what the jobs used, and the cached balance agrees with it.
  expect(ledger.sumAmount).toBe(granted - jobIds.length);
  expect(ledger.sumHeld).toBe(0);
  expect({ credits: ledger.credits, reserved: ledger.reserved }).toEqual({
    credits: ledger.sumAmount,
    reserved: 0,
  });
}

describe("credits, enforced", () => {
  let env: JobsEnv;

  beforeAll(async () => {
    env = await createJobsEnv({ billing: "credits" });
  });
  afterAll(async () => {
    await env?.close();
  });

  it("200 submissions at once against a balance for 10: 10 run, 190 are refused, the ledger sums exactly", async () => {
    await appendEntry(env.db, { orgId: env.seeded.orgId, kind: "grant", amount: 10, memo: "test" });
    const { accepted, refused } = await burst(env, 200);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(190);
    for (const err of refused) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("INSUFFICIENT_CREDITS");
      expect((err as AppError).details).toMatchObject({ price: 1, balance: 0 });
    }
    expect(await balanceOf(env.db, env.seeded.orgId)).toEqual({ credits: 0, reserved: 10 });

    await env.startNode("node-a", { memoryBudgetMb: 4096, jobMemoryMb: 1024 });
    for (const job of accepted) await waitForStatus(env.db, job.id, "succeeded", 30_000);
    await expectSettledExactly(
      env,
      accepted.map((j) => j.id),
      10,
    );
    const jobs = await env.db.select().from(schema.jobs).where(eq(schema.jobs.orgId, env.seeded.orgId));
    expect(jobs).toHaveLength(10);

    // The header's live balance: the organization's stream ends on the settled figures. The last
    // capture's notice follows its commit (which the job's status already shows), so it may come a
    // moment after the status does.
    const last = await waitFor(
      async () => {
        await env.engine.lifecycle.balances.flush();
        const events = await env.bus.readEvents(orgStreamId(env.seeded.orgId), undefined, 1000);
        const event = events.at(-1)?.event;
        return event?.type === "billing.balance" && event.reserved === 0 ? event : undefined;
      },
      5_000,
      "the settled balance on the organization's stream",
    );
    expect(last).toMatchObject({ type: "billing.balance", credits: 0, reserved: 0 });
  }, 60_000);

  it("releases on failure and on cancel, and a retry reserves again or is refused", async () => {
    await appendEntry(env.db, { orgId: env.seeded.orgId, kind: "grant", amount: 2, memo: "test" });
    const failing = await env.submit([
      { step: "diagnostic", params: { ms: 0, failTimes: 5, failWith: "VALIDATION_ERROR" } },
    ]);
    const cancelled = await env.submit([{ step: "diagnostic", params: { ms: 60_000, ticks: 600 } }]);
    expect(await balanceOf(env.db, env.seeded.orgId)).toEqual({ credits: 0, reserved: 2 });
    await waitForStatus(env.db, failing.id, "failed", 20_000);
    await env.engine.lifecycle.cancel(cancelled.id);
    expect(await balanceOf(env.db, env.seeded.orgId)).toEqual({ credits: 2, reserved: 0 });
    const ledger = await ledgerSummary(env.db, env.seeded.orgId);
    expect(ledger.jobs.get(failing.id)).toEqual({ reserves: 1, captures: 0, releases: 1, charged: 0 });
    expect(ledger.jobs.get(cancelled.id)).toEqual({ reserves: 1, captures: 0, releases: 1, charged: 0 });

    // A retry holds the price again; with nothing left, it is refused and nothing moves.
    await env.engine.lifecycle.retry(cancelled.id);
    await env.engine.lifecycle.cancel(cancelled.id);
    await env.db.execute(
      // Spend it all by hand: an expiry.
      sql`insert into credit_ledger (org_id, kind, amount, memo)
        values (${env.seeded.orgId}, 'expiry', -2, 'test')`,
    );
    await expect(env.engine.lifecycle.retry(cancelled.id)).rejects.toMatchObject({
      code: "INSUFFICIENT_CREDITS",
    });
    expect((await env.db.select().from(schema.jobs).where(eq(schema.jobs.id, cancelled.id)))[0]?.status).toBe(
      "cancelled",
    );
  }, 60_000);

  it("the reconciliation pass settles a reservation whose job ended outside the lifecycle, once", async () => {
    await appendEntry(env.db, { orgId: env.seeded.orgId, kind: "grant", amount: 1, memo: "test" });
    const job = await env.submit([{ step: "diagnostic", params: { ms: 60_000, ticks: 600 } }]);
    // Ended by hand (an operator's SQL, a crash of some future path): the hold is left behind.
    await env.db.update(schema.jobs).set({ status: "failed" }).where(eq(schema.jobs.id, job.id));
    expect((await balanceOf(env.db, env.seeded.orgId)).reserved).toBe(1);
    const [first, second] = await Promise.all([
      env.engine.lifecycle.reconcile(),
      env.engine.lifecycle.reconcile(),
    ]);
    expect(first!.released + second!.released).toBe(1);
    expect(await balanceOf(env.db, env.seeded.orgId)).toMatchObject({ reserved: 0 });
    expect((await ledgerSummary(env.db, env.seeded.orgId)).jobs.get(job.id)?.releases).toBe(1);
  }, 30_000);
});

describe("credits, off (the default): unlimited but metered", () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await createJobsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it("runs with no balance and writes every reservation and capture", async () => {
    const { accepted } = await burst(env, 5);
    expect(accepted).toHaveLength(5);
    await env.startNode("node-a");
    for (const job of accepted) await waitForStatus(env.db, job.id, "succeeded", 30_000);
    await expectSettledExactly(
      env,
      accepted.map((j) => j.id),
      0,
    );
  }, 60_000);
});

// A Redis of its own: restarting the shared one would break every other test running beside it.
describe("credits across a Redis restart", () => {
  let redis: PrivateRedis;
  let env: JobsEnv;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    env = await createJobsEnv({ billing: "credits", redisUrl: redis.url });
  });
  afterAll(async () => {
    await env?.close();
    await redis?.stop();
  });

  it("200 at once for 10, Redis restarted empty mid-run: 10 run once each, the ledger sums exactly", async () => {
    await appendEntry(env.db, { orgId: env.seeded.orgId, kind: "grant", amount: 10, memo: "test" });
    const { accepted, refused } = await burst(env, 200);
    expect(accepted).toHaveLength(10);
    expect(refused.every((e) => (e as AppError).code === "INSUFFICIENT_CREDITS")).toBe(true);
    await env.engine.relay.flush();
    await env.startNode("node-a", { memoryBudgetMb: 2048, jobMemoryMb: 1024 });
    await waitFor(
      async () =>
        (await env.db.select().from(schema.jobs).where(eq(schema.jobs.status, "running"))).length > 0,
      10_000,
      "a job to be running",
    );
    await redis.restart();
    for (const job of accepted) await waitForStatus(env.db, job.id, "succeeded", 40_000);
    await expectSettledExactly(
      env,
      accepted.map((j) => j.id),
      10,
    );
  }, 90_000);
});

import type { JobBus } from "@atelier/bus";
import { eq, schema } from "@atelier/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobEvents, waitFor, waitForStatus } from "../testing/jobsHarness.ts";
import { createJobsEnv, type JobsEnv } from "../testing/jobsEnv.ts";

describe("retries and dead letters", () => {
  let env: JobsEnv;

  beforeAll(async () => {
    env = await createJobsEnv();
    await env.startNode("node-retries", { memoryBudgetMb: 4096 });
  });
  afterAll(() => env?.close());

  it("a job that fails twice with a transient error succeeds on its third attempt", async () => {
    const job = await env.submit([{ step: "diagnostic", params: { failTimes: 2, ms: 20, ticks: 2 } }], {
      maxAttempts: 3,
    });
    const done = await waitForStatus(env.db, job.id, "succeeded");
    expect(done.attempt).toBe(3);
    const attempts = await env.db
      .select()
      .from(schema.jobAttempts)
      .where(eq(schema.jobAttempts.jobId, job.id))
      .orderBy(schema.jobAttempts.attempt);
    expect(attempts.map((a) => (a.error as { code?: string } | null)?.code ?? null)).toEqual([
      "UPSTREAM_ERROR",
      "UPSTREAM_ERROR",
      null,
    ]);
    const outputs = await env.db.select().from(schema.jobOutputs).where(eq(schema.jobOutputs.jobId, job.id));
    expect(outputs.map((o) => o.storageKey)).toEqual([
      `orgs/${env.seeded.orgId}/jobs/${job.id}/attempt-3/chelsea.diagnostic.png`,
    ]);
    const events = await jobEvents(env.bus, env.seeded.projectId, job.id);
    const retrying = events.filter((e) => e.type === "job.retrying");
    expect(retrying.map((e) => (e.type === "job.retrying" ? e.attempt : 0))).toEqual([2, 3]);
    expect(events.filter((e) => e.type === "job.claimed")).toHaveLength(3);
  });

  it("a job that always fails goes to the dead letters with every attempt's error, and a requeue runs it again", async () => {
    const job = await env.submit([{ step: "diagnostic", params: { failTimes: 3, failWith: "TIMEOUT" } }], {
      maxAttempts: 3,
    });
    const failed = await waitForStatus(env.db, job.id, "failed");
    expect(failed.attempt).toBe(3);
    expect(failed.error).toMatchObject({ code: "TIMEOUT" });
    const letter = await waitFor(
      async () => (await env.bus.listDeadLetters()).find((l) => l.message.jobId === job.id),
      5000,
      "the dead letter",
    );
    expect(letter.errors.map((e) => [e.attempt, e.code])).toEqual([
      [1, "TIMEOUT"],
      [2, "TIMEOUT"],
      [3, "TIMEOUT"],
    ]);
    const events = await jobEvents(env.bus, env.seeded.projectId, job.id);
    expect(events.at(-1)).toMatchObject({ type: "job.failed", attempt: 3, error: { code: "TIMEOUT" } });

    // The fourth attempt is past failTimes: the requeued job succeeds.
    const requeued = await env.engine.lifecycle.requeueDead(letter.id);
    expect(requeued).toMatchObject({ status: "queued", attempt: 4 });
    // People watching the project see it queued again at once.
    const queuedAgain = (await jobEvents(env.bus, env.seeded.projectId, job.id)).at(-1);
    expect(queuedAgain).toMatchObject({ type: "job.queued", job: { status: "queued", attempt: 4 } });
    const done = await waitForStatus(env.db, job.id, "succeeded");
    expect(done.attempt).toBe(4);
    expect((await env.bus.listDeadLetters()).some((l) => l.message.jobId === job.id)).toBe(false);
  });

  it("a permanent error fails at once without retrying", async () => {
    const job = await env.submit(
      [{ step: "diagnostic", params: { failTimes: 1, failWith: "CORRUPT_IMAGE" } }],
      {
        maxAttempts: 3,
      },
    );
    const failed = await waitForStatus(env.db, job.id, "failed");
    expect(failed.attempt).toBe(1);
    expect(failed.error).toMatchObject({ code: "CORRUPT_IMAGE" });
  });
});

describe("a retry that comes due while its node is still ending the failed attempt", () => {
  let env: JobsEnv;

  beforeAll(async () => {
    // Retries due at once (full jitter below 1 ms), claimed by the node's loop within a claim block.
    env = await createJobsEnv({ timing: { retryBaseMs: 1 } });
    // A loaded machine: what the node does after scheduling a retry lags behind its claim loop.
    const lagging = new Proxy(env.bus, {
      get(target, key, receiver) {
        if (key === "retryLater")
          return async (...args: Parameters<JobBus["retryLater"]>) => {
            await target.retryLater(...args);
            await new Promise((r) => setTimeout(r, 1000));
          };
        const value = Reflect.get(target, key, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await env.startNode("node-lagging", { memoryBudgetMb: 4096, bus: lagging });
  });
  afterAll(() => env?.close());

  it("runs the next attempt instead of dropping it as a duplicate, and says it is retrying before it is claimed", async () => {
    const job = await env.submit([{ step: "diagnostic", params: { failTimes: 1, ms: 20 } }], {
      maxAttempts: 2,
    });
    const done = await waitForStatus(env.db, job.id, "succeeded");
    expect(done.attempt).toBe(2);
    const events = await jobEvents(env.bus, env.seeded.projectId, job.id);
    const claimsAndRetries = events.flatMap((e) =>
      e.type === "job.claimed" || e.type === "job.retrying" ? [[e.type, e.attempt]] : [],
    );
    expect(claimsAndRetries).toEqual([
      ["job.claimed", 1],
      ["job.retrying", 2],
      ["job.claimed", 2],
    ]);
  });
});

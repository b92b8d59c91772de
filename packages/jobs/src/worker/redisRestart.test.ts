import { eq, schema } from "@atelier/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrivateRedis, type PrivateRedis } from "../testing/privateRedis.ts";
import { waitFor, waitForStatus } from "../testing/jobsHarness.ts";
import { createJobsEnv, type JobsEnv } from "../testing/jobsEnv.ts";

// A Redis of its own: restarting the shared one would break every other test running beside this one.
describe("a Redis restart mid-run", () => {
  let redis: PrivateRedis;
  let env: JobsEnv;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    env = await createJobsEnv({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await env?.close();
    await redis?.stop();
  });

  it("loses its data, yet the dispatcher and nodes reconnect and every job finishes exactly once", async () => {
    const jobs = [];
    for (let i = 0; i < 6; i++)
      jobs.push(await env.submit([{ step: "diagnostic", params: { ms: 400, ticks: 4 } }]));
    await env.engine.relay.flush();
    await env.startNode("node-a", { memoryBudgetMb: 2048, jobMemoryMb: 1024 });
    await env.startNode("node-b", { memoryBudgetMb: 2048, jobMemoryMb: 1024 });
    await waitFor(
      async () => {
        const running = await env.db.select().from(schema.jobs).where(eq(schema.jobs.status, "running"));
        return running.length > 0;
      },
      10_000,
      "a job to be running",
    );

    // Redis keeps nothing on disk here, so the restart also drops every stream and consumer group.
    await redis.restart();

    for (const job of jobs) await waitForStatus(env.db, job.id, "succeeded", 30_000);
    for (const job of jobs) {
      const outputs = await env.db
        .select()
        .from(schema.jobOutputs)
        .where(eq(schema.jobOutputs.jobId, job.id));
      expect(outputs).toHaveLength(1);
    }
  }, 60_000);
});

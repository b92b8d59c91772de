import type { ChildProcess } from "node:child_process";
import { eq, schema } from "@atelier/db";
import { createJobsEnv, type JobsEnv, jobRow, waitFor, waitForStatus } from "@atelier/jobs/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exited, spawnTestNode } from "./testing/spawnTestNode.ts";

const LEASE_MS = 1500;

describe("a gpu-node process", () => {
  let env: JobsEnv;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    env = await createJobsEnv({ timing: { leaseMs: LEASE_MS } });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await env?.close();
  });

  it("killed with SIGKILL mid-job leaves the job to another node, which completes it exactly once", async () => {
    const job = await env.submit([{ step: "diagnostic", params: { ms: 2500, ticks: 25 } }]);
    const doomed = spawnTestNode(env, "node-doomed");
    children.push(doomed);
    await waitFor(
      async () => {
        const row = await jobRow(env.db, job.id);
        return row.status === "running" && row.nodeId === "node-doomed" && row.progress > 0 ? row : undefined;
      },
      20_000,
      "the spawned node to run the job",
    );
    doomed.kill("SIGKILL");
    await exited(doomed);

    const rescuer = await env.startNode("node-rescuer");
    const done = await waitForStatus(env.db, job.id, "succeeded", 20_000);
    expect(done.nodeId).toBe("node-rescuer");
    // The takeover is a new attempt with its own row; the first node's row says why it ended.
    expect(done.attempt).toBe(2);
    const attempts = await env.db
      .select()
      .from(schema.jobAttempts)
      .where(eq(schema.jobAttempts.jobId, job.id))
      .orderBy(schema.jobAttempts.attempt);
    expect(
      attempts.map((a) => [a.attempt, a.nodeId, (a.error as { code?: string } | null)?.code ?? null]),
    ).toEqual([
      [1, "node-doomed", "TIMEOUT"],
      [2, "node-rescuer", null],
    ]);
    expect(attempts.every((a) => a.finishedAt !== null)).toBe(true);
    const outputs = await env.db.select().from(schema.jobOutputs).where(eq(schema.jobOutputs.jobId, job.id));
    expect(outputs).toHaveLength(1);
    const succeeded = await env.db.select().from(schema.jobs).where(eq(schema.jobs.status, "succeeded"));
    expect(succeeded.map((j) => j.id)).toEqual([job.id]);
    // The dead node's heartbeat expires; the rescuer is listed.
    const nodes = (await env.bus.listNodes()).map((n) => n.id);
    expect(nodes).toContain("node-rescuer");
    await rescuer.stop();
  });

  it("stops on SIGTERM after handing its running job back, and another node finishes it", async () => {
    const job = await env.submit([{ step: "diagnostic", params: { ms: 2000, ticks: 20 } }]);
    const node = spawnTestNode(env, "node-draining", { NODE_DRAIN_TIMEOUT_MS: "200" });
    children.push(node);
    await waitForStatus(env.db, job.id, "running", 20_000);
    await waitFor(
      async () => (await jobRow(env.db, job.id)).nodeId === "node-draining",
      5000,
      "node-draining",
    );
    node.kill("SIGTERM");
    // The drain (200 ms) is shorter than the job, so the node hands it back as a new attempt.
    const queued = await waitFor(
      async () => {
        const row = await jobRow(env.db, job.id);
        return row.attempt === 2 ? row : undefined;
      },
      10_000,
      "the job to be handed back",
    );
    expect(queued.maxAttempts).toBe(4);
    expect(await exited(node)).toBe(0);
    expect((await env.bus.listNodes()).map((n) => n.id)).not.toContain("node-draining");
    await env.startNode("node-finisher");
    const done = await waitForStatus(env.db, job.id, "succeeded", 10_000);
    expect(done).toMatchObject({ nodeId: "node-finisher", attempt: 2 });
  });
});

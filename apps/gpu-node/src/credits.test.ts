import type { ChildProcess } from "node:child_process";
import { eq, schema } from "@atelier/db";
import { appendEntry } from "@atelier/jobs";
import {
  createJobsEnv,
  type JobsEnv,
  jobRow,
  ledgerSummary,
  waitFor,
  waitForStatus,
} from "@atelier/jobs/testing";
import type { AppError } from "@atelier/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exited, spawnTestNode } from "./testing/spawnTestNode.ts";

const LEASE_MS = 1500;

describe("credits with a gpu-node SIGKILLed mid-job", () => {
  let env: JobsEnv;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    env = await createJobsEnv({ timing: { leaseMs: LEASE_MS }, billing: "credits" });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await env?.close();
  });

  it("200 at once for 10: 10 run, 190 refused; the killed node's jobs are captured once by another", async () => {
    const orgId = env.seeded.orgId;
    await appendEntry(env.db, { orgId, kind: "grant", amount: 10, memo: "test" });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        env.submit([{ step: "diagnostic", params: { ms: 2000, ticks: 20 } }]),
      ),
    );
    const accepted = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as AppError] : []));
    expect(accepted).toHaveLength(10);
    expect(refused.map((e) => e.code)).toEqual(Array(190).fill("INSUFFICIENT_CREDITS"));

    const doomed = spawnTestNode(env, "node-doomed", { NODE_MEMORY_BUDGET_MB: "4096" });
    children.push(doomed);
    await waitFor(
      async () => {
        for (const job of accepted) {
          const row = await jobRow(env.db, job.id);
          if (row.status === "running" && row.nodeId === "node-doomed" && row.progress > 0) return row;
        }
        return undefined;
      },
      90_000,
      "the spawned node to run a job",
    ).catch(async (err: unknown) => {
      const rows = await Promise.all(accepted.map((j) => jobRow(env.db, j.id)));
      throw new Error(`${String(err)} ${JSON.stringify(rows.map((r) => [r.status, r.nodeId, r.progress]))}`);
    });
    doomed.kill("SIGKILL");
    await exited(doomed);

    await env.startNode("node-rescuer", { memoryBudgetMb: 8192, jobMemoryMb: 1024 });
    for (const job of accepted)
      await waitForStatus(env.db, job.id, "succeeded", 60_000).catch(async (err: unknown) => {
        const rows = await Promise.all(accepted.map((j) => jobRow(env.db, j.id)));
        const stats = await env.bus.stats();
        throw new Error(
          `${String(err)} ${JSON.stringify(rows.map((r) => [r.status, r.nodeId, r.attempt, r.progress, r.updatedAt]))} ${JSON.stringify(stats)}`,
        );
      });

    const ledger = await ledgerSummary(env.db, orgId);
    expect([...ledger.jobs.keys()].sort()).toEqual(accepted.map((j) => j.id).sort());
    for (const [, job] of ledger.jobs)
      expect(job).toEqual({ reserves: 1, captures: 1, releases: 0, charged: 1 });
    expect(ledger.sumAmount).toBe(0);
    expect(ledger.sumHeld).toBe(0);
    expect({ credits: ledger.credits, reserved: ledger.reserved }).toEqual({ credits: 0, reserved: 0 });
    // At least one job was taken over from the dead node as a new attempt, and still charged once.
    const takenOver = await env.db.select().from(schema.jobs).where(eq(schema.jobs.nodeId, "node-rescuer"));
    expect(takenOver.some((j) => j.attempt > 1)).toBe(true);
  }, 240_000);
});

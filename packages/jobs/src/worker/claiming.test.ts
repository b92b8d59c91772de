import { eq, schema } from "@atelier/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobRow } from "../jobRow.ts";
import { jobEvents, jobRow, waitFor, waitForStatus } from "../testing/jobsHarness.ts";
import { createJobsEnv, type JobsEnv } from "../testing/jobsEnv.ts";

describe("claiming by memory", () => {
  let env: JobsEnv;

  beforeAll(async () => {
    env = await createJobsEnv();
  });
  afterAll(() => env?.close());

  it("a node with 4 GiB never claims an 8 GiB job; the job runs once a node with room joins", async () => {
    const small = await env.startNode("node-4g", { vramBudgetMb: 4096 });
    const big8 = await env.submit([{ step: "diagnostic-8g", params: { ms: 50 } }]);
    const small4 = await env.submit([{ step: "diagnostic-4g", params: { ms: 50 } }]);
    expect(big8.vramMb).toBe(8192);
    await waitForStatus(env.db, small4.id, "succeeded");
    expect((await jobRow(env.db, small4.id)).nodeId).toBe("node-4g");
    await new Promise((r) => setTimeout(r, 800));
    expect((await jobRow(env.db, big8.id)).status).toBe("queued");
    const smallBeat = (await env.bus.listNodes()).find((n) => n.id === "node-4g");
    expect(smallBeat).toMatchObject({ totalVramMb: 4096, freeVramMb: 4096, reservedVramMb: 0 });

    const big = await env.startNode("node-24g", { vramBudgetMb: 24_576 });
    const done = await waitForStatus(env.db, big8.id, "succeeded");
    expect(done.nodeId).toBe("node-24g");
    await Promise.all([small.stop(), big.stop()]);
    expect((await env.bus.listNodes()).map((n) => n.id)).not.toContain("node-4g");
  });

  it("with room for one job, interactive jobs overtake earlier batch jobs and the batch jobs still finish", async () => {
    const batch: JobRow[] = [];
    for (let i = 0; i < 3; i++)
      batch.push(await env.submit([{ step: "diagnostic", params: { ms: 30 } }], { priority: "batch" }));
    const interactive: JobRow[] = [];
    for (let i = 0; i < 3; i++) {
      interactive.push(
        await env.submit([{ step: "diagnostic", params: { ms: 30 } }], { priority: "interactive" }),
      );
    }
    await env.engine.relay.flush();
    const node = await env.startNode("node-one-slot", { memoryBudgetMb: 1024, jobMemoryMb: 1024 });
    for (const job of [...batch, ...interactive]) await waitForStatus(env.db, job.id, "succeeded");
    await node.stop();

    const claimed = [];
    for (const job of [...batch, ...interactive]) {
      const [attempt] = await env.db
        .select()
        .from(schema.jobAttempts)
        .where(eq(schema.jobAttempts.jobId, job.id));
      claimed.push({ id: job.id, at: attempt!.startedAt.getTime() });
    }
    const order = claimed
      .sort((a, b) => a.at - b.at)
      .map((c) => (interactive.some((j) => j.id === c.id) ? "I" : "B"));
    expect(order.slice(0, 2)).toEqual(["I", "I"]);
    expect(order.at(-1)).toBe("B");
  });

  it("cancelling a running job stops it within a second and frees its reservation", async () => {
    const node = await env.startNode("node-cancel", { vramBudgetMb: 8192, timing: { heartbeatMs: 5000 } });
    const job = await env.submit([{ step: "diagnostic-4g", params: { ms: 20_000, ticks: 200 } }]);
    await waitForStatus(env.db, job.id, "running");
    await waitFor(async () => node.status().reservedVramMb === 4096, 2000, "the reservation");
    const beat = (await env.bus.listNodes()).find((n) => n.id === "node-cancel");
    expect(beat).toMatchObject({ reservedVramMb: 4096, freeVramMb: 4096, runningJobs: [job.id] });

    const started = Date.now();
    expect(await env.engine.lifecycle.cancel(job.id)).toMatchObject({ status: "cancelled" });
    await waitFor(
      async () => {
        const n = (await env.bus.listNodes()).find((x) => x.id === "node-cancel");
        return n?.reservedVramMb === 0 && node.status().runningJobs.length === 0;
      },
      1000,
      "the reservation to be freed",
    );
    expect(Date.now() - started).toBeLessThan(1000);
    const row = await jobRow(env.db, job.id);
    expect(row.status).toBe("cancelled");
    const outputs = await env.db.select().from(schema.jobOutputs).where(eq(schema.jobOutputs.jobId, job.id));
    expect(outputs).toEqual([]);
    const types = (await jobEvents(env.bus, env.seeded.projectId, job.id)).map((e) => e.type);
    expect(types).not.toContain("job.succeeded");
    expect(await env.engine.lifecycle.cancel(job.id)).toBeNull();
    await node.stop();
  });
});

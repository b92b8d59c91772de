import { eq, schema } from "@atelier/db";
import { AppError } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { jobRow } from "../testing/jobsHarness.ts";
import { lifecycleTestbed, old, transient } from "./lifecycleTestbed.ts";

/**
 * What the lifecycle keeps of a job that failed or was taken over, against a real database and bus: a
 * job that failed on its input is never run again, its dead letters are listed once however often it is
 * retried, and a takeover keeps the first node's attempt row with the reason it ended.
 */

const bed = lifecycleTestbed();
const { delivered, force, running } = bed;

describe("a job that failed", () => {
  it("on its own input is never run again, not even on a person's request", async () => {
    const { job, run } = await running("node-a", 1, 3);
    await bed.lifecycle.settle(run, new AppError("VALIDATION_ERROR", 'Unknown format "instagram".'));
    expect((await jobRow(bed.db, job.id)).status).toBe("failed");
    await expect(bed.lifecycle.retry(job.id)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("running it again would fail the same way"),
    });
    const after = await jobRow(bed.db, job.id);
    expect([after.status, after.attempt]).toEqual(["failed", 1]);
  });

  it("is listed in the dead letters once, however often a person retries it", async () => {
    const { job, run } = await running("node-a", 1, 1);
    await bed.lifecycle.settle(run, transient);
    const lettersOf = async () =>
      (await bed.bus.listDeadLetters({ count: 10_000 })).filter((l) => l.message.jobId === job.id);
    expect(await lettersOf()).toHaveLength(1);
    const retried = await bed.lifecycle.retry(job.id);
    expect(retried?.attempt).toBe(2);
    expect(await lettersOf()).toHaveLength(0);
    const second = await delivered(retried!, "node-a");
    expect(await bed.lifecycle.claim(second)).not.toBeNull();
    await bed.lifecycle.settle(second, transient);
    expect((await jobRow(bed.db, job.id)).status).toBe("failed");
    expect((await lettersOf()).map((l) => l.errors.map((e) => e.attempt))).toEqual([[1, 2]]);
  });
});

describe("a takeover", () => {
  it("drops a second message for a job running on a node that is alive", async () => {
    const { job } = await running("node-alive");
    expect(await bed.lifecycle.claim(await delivered(job, "node-second"))).toBeNull();
    expect(await jobRow(bed.db, job.id)).toMatchObject({
      status: "running",
      nodeId: "node-alive",
      attempt: 1,
    });
  });

  it("takes a redelivered job over even when its dead node touched the row just before the lease lapsed", async () => {
    // The node wrote progress, then died: the row is fresh, but the bus handed the job on because the
    // node's lease lapsed. Dropped, the job would stay running on a dead node until the stale sweep.
    const { job } = await running("node-died");
    const run = await delivered(job, "node-second");
    run.delivery = { ...run.delivery, deliveryCount: 2 };
    const claimed = await bed.lifecycle.claim(run);
    expect(claimed).toMatchObject({ status: "running", nodeId: "node-second", attempt: 2 });
  });

  it("keeps the first node's attempt row and says why it ended", async () => {
    const { job } = await running("node-first");
    await force(job, { updatedAt: old() });
    await bed.lifecycle.claim(await delivered(job, "node-second"));
    const attempts = await bed.db
      .select()
      .from(schema.jobAttempts)
      .where(eq(schema.jobAttempts.jobId, job.id))
      .orderBy(schema.jobAttempts.attempt);
    expect(attempts.map((a) => [a.attempt, a.nodeId, a.finishedAt !== null])).toEqual([
      [1, "node-first", true],
      [2, "node-second", false],
    ]);
    expect(attempts[0]?.error).toMatchObject({
      code: "TIMEOUT",
      message: expect.stringContaining("node-first"),
    });
  });
});

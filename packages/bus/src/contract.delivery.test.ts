import { isAppError } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { contractBuses, job, jobIds, node, sleep } from "./testing/busContract.ts";

const buses = contractBuses();

describe.each(buses)("%s (bus contract)", (_name, makeBus) => {
  describe("leases, retries and dead letters", () => {
    it("hands a dead node's unacked job to another node after the lease", async () => {
      const bus = makeBus({ leaseMs: 200 });
      await bus.publish(job("orphan"));
      const [first] = await bus.claim(node("dies"));
      expect(first?.deliveryCount).toBe(1);
      expect(await bus.claim(node("survivor"))).toEqual([]);
      await sleep(260);
      const taken = await bus.claim(node("survivor", 0, 10, 1000));
      expect(jobIds(taken)).toEqual(["orphan"]);
      expect(taken[0]!.deliveryCount).toBe(2);
      expect(await bus.extendLease(first!)).toBe(false);
      expect(await bus.extendLease(taken[0]!)).toBe(true);
    });

    it("brings a retried job back after its delay and not before", async () => {
      const bus = makeBus();
      await bus.publish(job("flaky"));
      const [delivery] = await bus.claim(node("n1"));
      await bus.retryLater(delivery!, {
        delayMs: 400,
        attempt: 2,
        error: { code: "UPSTREAM_ERROR", message: "provider answered 503" },
      });
      const scheduledAt = Date.now();
      expect((await bus.stats()).dueRetries).toBe(1);
      expect(await bus.claim(node("n1", 0, 10, 200))).toEqual([]);
      const again = await bus.claim(node("n1", 0, 10, 2000));
      const waited = Date.now() - scheduledAt;
      expect(waited).toBeGreaterThanOrEqual(380);
      expect(waited).toBeLessThan(1500);
      expect(again[0]?.message.attempt).toBe(2);
      expect(again[0]?.message.errors).toMatchObject([{ attempt: 1, code: "UPSTREAM_ERROR" }]);
      expect((await bus.stats()).dueRetries).toBe(0);
    });

    it("dead-letters a job that keeps killing its nodes, with every attempt's error", async () => {
      const bus = makeBus({ leaseMs: 100, maxDeliveries: 2 });
      await bus.publish(job("poison"));
      const [first] = await bus.claim(node("n1"));
      await bus.retryLater(first!, { delayMs: 0, attempt: 2, error: { code: "INTERNAL", message: "oom" } });
      expect(jobIds(await bus.claim(node("n2", 0, 10, 500)))).toEqual(["poison"]);
      await sleep(150);
      expect((await bus.claim(node("n3", 0, 10, 500)))[0]?.deliveryCount).toBe(2);
      await sleep(150);
      expect(await bus.claim(node("n4", 0, 10, 200))).toEqual([]);
      const [letter] = await bus.listDeadLetters();
      expect(letter?.message.jobId).toBe("poison");
      expect(letter?.reason).toBe("delivery_limit");
      expect(letter?.errors.map((e) => [e.attempt, e.code])).toEqual([
        [1, "INTERNAL"],
        [2, "TIMEOUT"],
      ]);
      const stats = await bus.stats();
      expect(stats.deadLetters).toBe(1);
      expect(stats.streams.reduce((sum, s) => sum + s.depth + s.pending, 0)).toBe(0);
    });

    it("requeues a dead letter once, as the next attempt or from the first", async () => {
      const bus = makeBus();
      await bus.publish(job("broken", { priority: "pro" }));
      const [delivery] = await bus.claim(node("n1"));
      const errors = [{ attempt: 1, code: "UPSTREAM_ERROR", message: "timeout", at: Date.now() }];
      await bus.deadLetter(delivery!, { errors });
      const [letter] = await bus.listDeadLetters();
      expect(letter).toMatchObject({ reason: "failed", errors, message: { jobId: "broken", attempt: 1 } });
      const requeued = await bus.requeueDeadLetter(letter!.id);
      expect(requeued.published).toBe(true);
      expect(await bus.listDeadLetters()).toEqual([]);
      const error = await bus.requeueDeadLetter(letter!.id).catch((e: unknown) => e);
      expect(isAppError(error, "NOT_FOUND")).toBe(true);
      const [second] = await bus.claim(node("n1"));
      expect(second?.message).toMatchObject({ jobId: "broken", attempt: 2, priority: "pro" });

      await bus.deadLetter(second!, { errors });
      const [again] = await bus.listDeadLetters();
      await bus.requeueDeadLetter(again!.id, { resetAttempt: true });
      const [fresh] = await bus.claim(node("n1"));
      expect(fresh?.message.attempt).toBe(1);
    });

    it("drops every dead letter of one job, and only its own", async () => {
      const bus = makeBus();
      await bus.publishMany([job("twice"), job("other")]);
      const errors = [{ attempt: 1, code: "UPSTREAM_ERROR", message: "timeout", at: Date.now() }];
      for (const delivery of await bus.claim(node("n1", 0, 2))) await bus.deadLetter(delivery, { errors });
      await bus.publish(job("twice", { attempt: 2 }));
      const [retried] = await bus.claim(node("n1"));
      await bus.deadLetter(retried!, { errors });
      expect((await bus.listDeadLetters()).map((l) => l.message.jobId).sort()).toEqual([
        "other",
        "twice",
        "twice",
      ]);
      expect(await bus.dropDeadLetters("twice")).toBe(2);
      expect((await bus.listDeadLetters()).map((l) => l.message.jobId)).toEqual(["other"]);
      expect(await bus.dropDeadLetters("twice")).toBe(0);
    });

    it("reports depth, pending, dead letters and scheduled retries", async () => {
      const bus = makeBus();
      await bus.publishMany([job("s1"), job("s2"), job("b1", { priority: "batch", vramMb: 5000 })]);
      const [claimed] = await bus.claim(node("n1", 0, 1));
      const stats = await bus.stats();
      const standard0 = stats.streams.find((s) => s.priority === "standard" && s.tier === 0);
      const batch8 = stats.streams.find((s) => s.priority === "batch" && s.tier === 8);
      expect(standard0).toMatchObject({ depth: 2, pending: 1 });
      expect(batch8).toMatchObject({ depth: 1, pending: 0 });
      expect(stats.streams).toHaveLength(32);
      await bus.retryLater(claimed!, { delayMs: 60_000, attempt: 2 });
      const [next] = await bus.claim(node("n1", 0, 1));
      await bus.deadLetter(next!, { errors: [] });
      expect(await bus.stats()).toMatchObject({ deadLetters: 1, dueRetries: 1 });
    });
  });
});

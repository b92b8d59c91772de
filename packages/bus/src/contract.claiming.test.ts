import { isAppError } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { contractBuses, job, jobIds, node, sleep } from "./testing/busContract.ts";

const buses = contractBuses();

describe.each(buses)("%s (bus contract)", (_name, makeBus) => {
  describe("claiming: tiers, classes and fair turns", () => {
    it("delivers published jobs once, and acked jobs leave the stream", async () => {
      const bus = makeBus();
      await bus.publishMany([job("a"), job("b", { payload: { steps: ["cutout"] } }), job("c")]);
      const deliveries = await bus.claim(node("n1"));
      expect(jobIds(deliveries)).toEqual(["a", "b", "c"]);
      expect(deliveries.every((d) => d.deliveryCount === 1)).toBe(true);
      expect(deliveries[1]!.message.payload).toEqual({ steps: ["cutout"] });
      expect(await bus.claim(node("n2"))).toEqual([]);
      await bus.ackMany(deliveries);
      const stats = await bus.stats();
      expect(stats.streams.reduce((sum, s) => sum + s.depth + s.pending, 0)).toBe(0);
    });

    it("drops a second publish of the same job attempt", async () => {
      const bus = makeBus();
      expect((await bus.publish(job("a"))).published).toBe(true);
      expect((await bus.publish(job("a"))).published).toBe(false);
      expect((await bus.publish(job("a", { attempt: 2 }))).published).toBe(true);
      const batch = await bus.publishMany([job("b"), job("b"), job("a")]);
      expect(batch.map((r) => r.published)).toEqual([true, false, false]);
      const deliveries = await bus.claim(node("n1"));
      expect(deliveries.map((d) => `${d.message.jobId}#${d.message.attempt}`)).toEqual(["a#1", "a#2", "b#1"]);
    });

    it("rejects a message no tier can hold with a validation error", async () => {
      const bus = makeBus();
      const error = await bus.publish(job("huge", { vramMb: 200 * 1024 })).catch((e: unknown) => e);
      expect(isAppError(error, "VALIDATION_ERROR")).toBe(true);
    });

    it("gives an 8 GiB job to a 16 GiB node and never to a 4 GiB node", async () => {
      const bus = makeBus();
      await bus.publish(job("big", { vramMb: 8 * 1024 }));
      await bus.publish(job("small", { vramMb: 3000 }));
      const small = await bus.claim(node("small-gpu", 4096, 10, 100));
      expect(jobIds(small)).toEqual(["small"]);
      expect(await bus.claim(node("small-gpu", 4096, 10, 100))).toEqual([]);
      const big = await bus.claim(node("big-gpu", 16 * 1024));
      expect(jobIds(big)).toEqual(["big"]);
    });

    it("serves interactive before older batch work, yet batch still gets a slot (aging)", async () => {
      const bus = makeBus({ agingEvery: 3 });
      await bus.publish(job("batch-1", { priority: "batch" }));
      for (let i = 1; i <= 6; i++) await bus.publish(job(`live-${i}`, { priority: "interactive" }));
      const order: string[] = [];
      for (let round = 0; round < 4; round++) order.push(...jobIds(await bus.claim(node("n1", 0, 1))));
      expect(order).toEqual(["live-1", "live-2", "batch-1", "live-3"]);
    });

    it("takes turns between organizations within a class, each in its own order", async () => {
      const bus = makeBus();
      await bus.publishMany([
        ...["a1", "a2", "a3", "a4"].map((id) => job(id, { orgId: "org-a" })),
        ...["b1", "b2"].map((id) => job(id, { orgId: "org-b" })),
        job("c1", { orgId: "org-c" }),
      ]);
      const order: string[] = [];
      for (let round = 0; round < 7; round++) order.push(...jobIds(await bus.claim(node("n1", 0, 1))));
      expect(order).toEqual(["a1", "b1", "c1", "a2", "b2", "a3", "a4"]);
      const stats = await bus.stats();
      expect(stats.streams.every((s) => s.organizations === 0)).toBe(true);
    });

    it("serves another organization's one job after at most one of a 500-job flood per free slot", async () => {
      const bus = makeBus();
      await bus.publishMany(Array.from({ length: 500 }, (_, i) => job(`flood-${i}`, { orgId: "flooder" })));
      await bus.publish(job("mine", { orgId: "other" }));
      const [standard0] = (await bus.stats()).streams.filter(
        (s) => s.priority === "standard" && s.tier === 0,
      );
      expect(standard0).toMatchObject({ depth: 501, organizations: 2 });
      const first = jobIds(await bus.claim(node("n1", 0, 1)));
      const second = jobIds(await bus.claim(node("n1", 0, 1)));
      expect([...first, ...second]).toContain("mine");
      // A wider claim takes both organizations' turns in one round as well.
      await bus.publish(job("mine-2", { orgId: "other" }));
      expect(jobIds(await bus.claim(node("n2", 0, 2)))).toContain("mine-2");
    });

    it("keeps fair turns for retried and requeued jobs too", async () => {
      const bus = makeBus();
      await bus.publish(job("x1", { orgId: "org-x" }));
      const [x1] = await bus.claim(node("n1", 0, 1));
      await bus.publishMany(["y1", "y2", "y3"].map((id) => job(id, { orgId: "org-y" })));
      await bus.retryLater(x1!, { delayMs: 0, attempt: 2 });
      const order: string[] = [];
      for (let round = 0; round < 4; round++) order.push(...jobIds(await bus.claim(node("n1", 0, 1, 500))));
      expect(order.indexOf("x1")).toBeLessThanOrEqual(1);
    });

    it("wakes a waiting claim as soon as work arrives", async () => {
      const bus = makeBus();
      const started = Date.now();
      const claimed = bus.claim(node("n1", 0, 1, 3000));
      await sleep(100);
      await bus.publish(job("late"));
      expect(jobIds(await claimed)).toEqual(["late"]);
      expect(Date.now() - started).toBeLessThan(1500);
    });
  });
});

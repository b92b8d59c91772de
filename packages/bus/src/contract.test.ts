import {
  createLogger,
  isAppError,
  type PresenceEvent,
  type PresenceEventInput,
  type ProjectEventInput,
} from "@atelier/shared";
import { afterEach, describe, expect, it } from "vitest";
import type { BusTuning, Delivery, JobBus, ProjectEventEntry } from "./JobBus.ts";
import type { AccessChange, BusMessage, ControlMessage } from "./message.ts";
import { InProcessBus } from "./memory/InProcessBus.ts";
import { RedisStreamsBus } from "./redis/RedisStreamsBus.ts";
import { numbered, numberOf } from "./testing/numberedEvents.ts";
import { deleteKeys, randomPrefix, TEST_REDIS_URL } from "./testing/redisTestPrefix.ts";

type MakeBus = (tuning?: Partial<BusTuning>) => JobBus;

const logger = createLogger("bus", "silent");

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const implementations: Array<[string, MakeBus]> = [
  [
    "InProcessBus",
    (tuning) => {
      const bus = new InProcessBus({ tuning, logger });
      cleanups.push(() => bus.close());
      return bus;
    },
  ],
  [
    "RedisStreamsBus",
    (tuning) => {
      const prefix = randomPrefix();
      const bus = RedisStreamsBus.create({ redisUrl: TEST_REDIS_URL, prefix, tuning, logger });
      cleanups.push(async () => {
        await bus.close();
        await deleteKeys(prefix);
      });
      return bus;
    },
  ],
];

function job(jobId: string, overrides: Partial<BusMessage> = {}): BusMessage {
  return { jobId, attempt: 1, priority: "standard", vramMb: 0, projectId: "p1", ...overrides };
}

const node = (consumer: string, freeVramMb = 0, max = 10, blockMs = 0) => ({
  consumer,
  freeVramMb,
  max,
  blockMs,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jobIds = (deliveries: Delivery[]) => deliveries.map((d) => d.message.jobId);

describe.each(implementations)("%s (bus contract)", (_name, makeBus) => {
  describe("jobs", () => {
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

  describe("project events", () => {
    it("reads events after a given id, in order", async () => {
      const bus = makeBus();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await bus.appendEvent("proj", numbered(i)));
      expect([...ids].sort(compareIds)).toEqual(ids);
      expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
      const after = await bus.readEvents("proj", ids[1]);
      expect(after.map(numberOf)).toEqual([2, 3, 4]);
      expect((await bus.readEvents("proj")).length).toBe(5);
      expect(await bus.readEvents("other")).toEqual([]);
    });

    it("refuses an event that is not in the protocol, before it reaches any subscriber", async () => {
      const bus = makeBus();
      const bogus = {
        type: "job.progress" as const,
        jobId: "j",
        index: 0,
        step: "resize",
        fraction: 2,
        overall: 1,
      };
      await expect(bus.appendEvent("proj", bogus)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
      expect(await bus.readEvents("proj")).toEqual([]);
      await bus.appendEvent("proj", numbered(1));
      const [stored] = await bus.readEvents("proj");
      expect(stored?.event).toEqual({ v: 1, type: "job.cancelled", jobId: "n1" });
    });

    it("catches a reconnecting subscriber up from its last event id without loss or repeats", async () => {
      const bus = makeBus();
      for (let i = 0; i < 3; i++) await bus.appendEvent("proj", numbered(i));
      const seen: ProjectEventEntry[] = [];
      const unsubscribe = await bus.subscribeEvents("proj", "0-0", (e) => seen.push(e));
      await bus.appendEvent("proj", numbered(3));
      await waitFor(() => seen.length === 4);
      unsubscribe();
      const lastEventId = seen.at(-1)!.id;
      for (let i = 4; i < 8; i++) await bus.appendEvent("proj", numbered(i));
      const resumed: ProjectEventEntry[] = [];
      const appending = (async () => {
        for (let i = 8; i < 20; i++) await bus.appendEvent("proj", numbered(i));
      })();
      const stop = await bus.subscribeEvents("proj", lastEventId, (e) => resumed.push(e));
      await appending;
      await waitFor(() => resumed.length >= 16);
      await sleep(50);
      stop();
      expect(seen.map(numberOf)).toEqual([0, 1, 2, 3]);
      expect(resumed.map(numberOf)).toEqual(Array.from({ length: 16 }, (_, i) => i + 4));
    });

    it("fans one project out to several listeners and picks up a new project at once", async () => {
      const bus = makeBus();
      const a: unknown[] = [];
      const b: unknown[] = [];
      const stopA = await bus.subscribeEvents("p1", undefined, (e) => a.push(numberOf(e)));
      const stopB = await bus.subscribeEvents("p1", undefined, (e) => b.push(numberOf(e)));
      await bus.appendEvent("p1", numbered(1));
      await waitFor(() => a.length === 1 && b.length === 1);
      const other: unknown[] = [];
      const startedAt = Date.now();
      const stopOther = await bus.subscribeEvents("p2", undefined, (e) => other.push(numberOf(e)));
      await bus.appendEvent("p2", numbered(2));
      await waitFor(() => other.length === 1);
      expect(Date.now() - startedAt).toBeLessThan(1000);
      stopA();
      await bus.appendEvent("p1", numbered(3));
      await waitFor(() => b.length === 2);
      expect(a).toEqual([1]);
      stopB();
      stopOther();
    });

    it("tells a subscriber that resumes from a trimmed id to resync, and goes on live from there", async () => {
      const bus = makeBus({ eventsMaxLen: 10 });
      const early = await bus.appendEvent("proj", numbered(0));
      // Redis trims whole nodes of ~100 entries (MAXLEN ~), so write well past them.
      for (let i = 1; i < 400; i++) await bus.appendEvent("proj", numbered(i));
      const lastId = await bus.lastEventId("proj");
      expect((await bus.readEvents("proj", "0-0", 1000)).length).toBeLessThan(400);

      const seen: ProjectEventEntry[] = [];
      const stop = await bus.subscribeEvents("proj", early, (e) => seen.push(e));
      await bus.appendEvent("proj", numbered(400));
      await waitFor(() => seen.length === 2);
      stop();
      expect(seen[0]).toMatchObject({ id: lastId, event: { v: 1, type: "resync" } });
      expect(numberOf(seen[1]!)).toBe(400);

      // The async iterator says the same, and an id the stream never gave (Redis lost its data) too.
      const controller = new AbortController();
      const iterated: string[] = [];
      for await (const e of bus.events("proj", { afterId: "99999999999999-0", signal: controller.signal })) {
        iterated.push(e.event.type);
        controller.abort();
      }
      expect(iterated).toEqual(["resync"]);
    });

    it("gives a slow iterator every event in order, holding only so many and reading the rest again", async () => {
      const bus = makeBus();
      await bus.appendEvent("slow", numbered(0));
      const controller = new AbortController();
      const iterator = bus
        .events("slow", { afterId: "0-0", signal: controller.signal })
        [Symbol.asyncIterator]();
      expect(numberOf((await iterator.next()).value!)).toBe(0);
      // Far more than an iterator holds (MAX_QUEUED_ENTRIES), appended while nobody reads.
      for (let from = 1; from <= 2500; from += 500) {
        await Promise.all(Array.from({ length: 500 }, (_, i) => bus.appendEvent("slow", numbered(from + i))));
      }
      await sleep(200);
      const read: number[] = [];
      while (read.length < 2500) read.push(numberOf((await iterator.next()).value!));
      controller.abort();
      await iterator.return?.();
      expect(read).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    });

    it("resumes a recent id without a resync, also from an empty stream's 0-0", async () => {
      const bus = makeBus({ eventsMaxLen: 10 });
      const seen: ProjectEventEntry[] = [];
      const stop = await bus.subscribeEvents("fresh", "0-0", (e) => seen.push(e));
      await bus.appendEvent("fresh", numbered(1));
      await waitFor(() => seen.length === 1);
      stop();
      expect(seen.map((e) => e.event.type)).toEqual(["job.cancelled"]);
      const again: ProjectEventEntry[] = [];
      const stopAgain = await bus.subscribeEvents("fresh", "0-0", (e) => again.push(e));
      await waitFor(() => again.length === 1);
      stopAgain();
      expect(again.map(numberOf)).toEqual([1]);
    });

    it("refuses to store what is said to one subscriber or belongs on the presence channel", async () => {
      const bus = makeBus();
      await expect(bus.appendEvent("proj", { type: "resync" })).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
      });
      await expect(bus.appendEvent("proj", { type: "stream.ready" })).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
      });
      const presence = { type: "presence.left", userId: "u1" } as unknown as ProjectEventInput;
      await expect(bus.appendEvent("proj", presence)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
      expect(await bus.readEvents("proj")).toEqual([]);
    });

    it("carries presence on its own channel: heard live by every listener, never stored", async () => {
      const bus = makeBus();
      const a: PresenceEvent[] = [];
      const b: PresenceEvent[] = [];
      const stopA = await bus.subscribePresence("proj", (e) => a.push(e));
      const stopB = await bus.subscribePresence("proj", (e) => b.push(e));
      const other: PresenceEvent[] = [];
      const stopOther = await bus.subscribePresence("other", (e) => other.push(e));
      const move = {
        type: "presence" as const,
        userId: "u1",
        name: "Ada",
        colour: "hsl(1 70% 50%)",
        cursor: { x: 0.5, y: 0.25 },
        selectedAssetId: null,
        selection: null,
        at: new Date().toISOString(),
      };
      await bus.publishPresence("proj", move);
      await bus.publishPresence("proj", { type: "presence.left", userId: "u1" });
      await waitFor(() => a.length === 2 && b.length === 2);
      expect(a).toEqual([
        { v: 1, ...move },
        { v: 1, type: "presence.left", userId: "u1" },
      ]);
      expect(b).toEqual(a);
      expect(other).toEqual([]);
      expect(await bus.readEvents("proj")).toEqual([]);
      stopA();
      await bus.publishPresence("proj", { type: "presence.left", userId: "u2" });
      await waitFor(() => b.length === 3);
      expect(a.length).toBe(2);
      const bogus = { type: "presence", userId: "u1" } as unknown as PresenceEventInput;
      await expect(bus.publishPresence("proj", bogus)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
      stopB();
      stopOther();
    });

    it("streams events through an async iterator until aborted", async () => {
      const bus = makeBus();
      await bus.appendEvent("proj", numbered(0));
      const controller = new AbortController();
      const received: unknown[] = [];
      const reading = (async () => {
        for await (const e of bus.events("proj", { afterId: "0-0", signal: controller.signal })) {
          received.push(numberOf(e));
          if (received.length === 3) controller.abort();
        }
      })();
      await sleep(50);
      await bus.appendEvent("proj", numbered(1));
      await bus.appendEvent("proj", numbered(2));
      await reading;
      expect(received).toEqual([0, 1, 2]);
    });
  });

  describe("control and nodes", () => {
    it("tells listening nodes about a cancellation within a second", async () => {
      const bus = makeBus();
      const received: ControlMessage[] = [];
      const stop = await bus.onControl((m) => received.push(m));
      const sentAt = Date.now();
      await bus.publishControl("job-7", { type: "cancel" });
      await waitFor(() => received.length === 1);
      expect(Date.now() - sentAt).toBeLessThan(1000);
      expect(received).toEqual([{ jobId: "job-7", type: "cancel" }]);
      stop();
    });

    it("tells listeners about an access change within a second, and refuses an unknown one", async () => {
      const bus = makeBus();
      const received: AccessChange[] = [];
      const stop = await bus.onAccessChange((c) => received.push(c));
      const sentAt = Date.now();
      await bus.publishAccessChange({ kind: "session.ended", sessionId: "s-1" });
      await bus.publishAccessChange({ kind: "membership.changed", orgId: "o-1", userId: "u-1" });
      await waitFor(() => received.length === 2);
      expect(Date.now() - sentAt).toBeLessThan(1000);
      expect(received).toEqual([
        { kind: "session.ended", sessionId: "s-1" },
        { kind: "membership.changed", orgId: "o-1", userId: "u-1" },
      ]);
      const bogus = { kind: "everyone.admin" } as unknown as AccessChange;
      await expect(bus.publishAccessChange(bogus)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
      stop();
    });

    it("lists nodes by heartbeat and forgets them after the TTL", async () => {
      const bus = makeBus();
      const gpu = {
        id: "gpu-1",
        totalVramMb: 24_576,
        freeVramMb: 20_000,
        reservedVramMb: 4_576,
        providers: ["cuda", "cpu"],
        models: ["isnet"],
        runningJobs: ["j1"],
      };
      await bus.heartbeat(gpu, 300);
      await bus.heartbeat({ ...gpu, id: "gpu-2" }, 5000);
      const nodes = await bus.listNodes();
      expect(nodes.map((n) => n.id)).toEqual(["gpu-1", "gpu-2"]);
      expect(nodes[0]).toMatchObject(gpu);
      expect(nodes[0]!.lastSeenAt).toBeGreaterThan(0);
      await sleep(400);
      expect((await bus.listNodes()).map((n) => n.id)).toEqual(["gpu-2"]);
      await bus.removeNode("gpu-2");
      expect(await bus.listNodes()).toEqual([]);
    });
  });
});

function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am - bm || as - bs;
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await sleep(10);
  }
}

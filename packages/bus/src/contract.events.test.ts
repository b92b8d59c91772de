import type { PresenceEvent, PresenceEventInput, ProjectEventInput } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import type { ProjectEventEntry } from "./JobBus.ts";
import type { AccessChange, ControlMessage } from "./message.ts";
import { numbered, numberOf } from "./testing/numberedEvents.ts";
import { contractBuses, sleep } from "./testing/busContract.ts";

const buses = contractBuses();

describe.each(buses)("%s (bus contract)", (_name, makeBus) => {
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

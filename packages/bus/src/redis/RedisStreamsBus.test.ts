import { numbered, numberOf } from "../testing/numberedEvents.ts";
import { createLogger } from "@atelier/shared";
import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import type { ControlMessage } from "../message.ts";
import { deleteKeys, randomPrefix, TEST_REDIS_URL } from "../testing/redisTestPrefix.ts";
import { RedisStreamsBus } from "./RedisStreamsBus.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function setup() {
  const prefix = randomPrefix();
  const bus = RedisStreamsBus.create({
    redisUrl: TEST_REDIS_URL,
    prefix,
    logger: createLogger("bus", "silent"),
    redisOptions: { retryStrategy: () => 50 },
  });
  const admin = new Redis(TEST_REDIS_URL);
  cleanups.push(async () => {
    await bus.close();
    admin.disconnect();
    await deleteKeys(prefix);
  });
  return { prefix, bus, admin };
}

const job = (jobId: string) => ({
  jobId,
  attempt: 1,
  priority: "interactive" as const,
  vramMb: 0,
  projectId: "p",
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await sleep(10);
  }
}

it("keeps claiming, fanning out events and signalling after its connections are killed", async () => {
  const { prefix, bus, admin } = setup();
  const events: unknown[] = [];
  const controls: ControlMessage[] = [];
  await bus.subscribeEvents("p", undefined, (e) => events.push(numberOf(e)));
  await bus.onControl((m) => controls.push(m));
  const waiting = bus.claim({ consumer: "n1", freeVramMb: 0, max: 1, blockMs: 4000 });
  await sleep(100);

  const clients = (await admin.client("LIST")) as string;
  const ids = clients
    .split("\n")
    .filter((line) => line.includes(` name=${prefix}:bus:`))
    .map((line) => /\bid=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => Boolean(id));
  expect(ids.length).toBeGreaterThanOrEqual(3);
  for (const id of ids) await admin.client("KILL", "ID", id);

  await bus.publish(job("after-kill"));
  expect((await waiting).map((d) => d.message.jobId)).toEqual(["after-kill"]);
  await bus.appendEvent("p", numbered(1));
  await bus.publishControl("j1", { type: "cancel" });
  await waitFor(() => events.length === 1 && controls.length === 1);
  expect(events).toEqual([1]);
  expect(controls).toEqual([{ jobId: "j1", type: "cancel" }]);
});

it("recreates its streams and groups when Redis lost the data", async () => {
  const { prefix, bus } = setup();
  await bus.publish(job("before"));
  await bus.ackMany(await bus.claim({ consumer: "n1", freeVramMb: 0, max: 5, blockMs: 0 }));
  const events: unknown[] = [];
  await bus.subscribeEvents("p", undefined, (e) => events.push(numberOf(e)));
  await bus.appendEvent("p", numbered(1));
  await waitFor(() => events.length === 1);

  expect(await deleteKeys(prefix)).toBeGreaterThan(0);

  await bus.publish(job("after-flush"));
  const deliveries = await bus.claim({ consumer: "n1", freeVramMb: 0, max: 5, blockMs: 1000 });
  expect(deliveries.map((d) => d.message.jobId)).toEqual(["after-flush"]);
  await bus.ack(deliveries[0]!);
  await bus.appendEvent("p", numbered(2));
  await waitFor(() => events.length === 2);
  expect(events).toEqual([1, 2]);
  const stats = await bus.stats();
  expect(stats.streams.find((s) => s.priority === "interactive" && s.tier === 0)).toMatchObject({
    depth: 0,
    pending: 0,
  });
});

it("waits without polling while there is no work and no event", async () => {
  const { prefix, bus } = setup();
  await bus.subscribeEvents("quiet", undefined, () => {});
  const monitor = await new Redis(TEST_REDIS_URL).monitor();
  const ours: string[] = [];
  monitor.on("monitor", (_time: string, args: string[]) => {
    if (args.some((a) => a.startsWith(`${prefix}:`))) ours.push(String(args[0]).toLowerCase());
  });
  try {
    await sleep(50);
    ours.length = 0;
    expect(await bus.claim({ consumer: "idle", freeVramMb: 0, max: 1, blockMs: 1500 })).toEqual([]);
  } finally {
    monitor.disconnect();
  }
  const scripts = ours.filter((c) => c === "evalsha" || c === "eval").length;
  const reads = ours.filter((c) => c === "xread").length;
  // A claim round is one script call; the 1 s cap between rounds keeps leases and retries noticed.
  expect(scripts).toBeLessThanOrEqual(3);
  // The claim's own wake-up reads plus at most one event-loop read.
  expect(reads).toBeLessThanOrEqual(4);
});

/**
 * One run of the scheduler simulation on one Redis deployment: a fleet of SimNodes claiming through
 * the real bus scripts while a publisher feeds jobs at a steady rate. Measures what the note
 * (docs/scheduler-simulation.md) reports.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Delivery } from "@atelier/bus";
import { createLogger, PRIORITY_CLASSES, type PriorityClass } from "@atelier/shared";
import type { Redis } from "ioredis";
import { DEFAULT_TUNING } from "../../packages/bus/src/JobBus.ts";
import { busKeys, CONSUMER_GROUP } from "../../packages/bus/src/keys.ts";
import { BlockingPool, type RedisClient } from "../../packages/bus/src/redis/connections.ts";
import { RedisJobQueue } from "../../packages/bus/src/redis/RedisJobQueue.ts";
import { RedisNodeRegistry } from "../../packages/bus/src/redis/RedisNodeRegistry.ts";
import { scripts } from "../../packages/bus/src/redis/scripts.ts";
import { tierForVramMb, tiersFitting, VRAM_TIERS_GIB } from "../../packages/bus/src/tiers.ts";
import { percentile } from "../result.ts";
import { delta, type RedisSnapshot, snapshot } from "./redisInfo.ts";
import { SimNode } from "./simNode.ts";
import { makeFleet, makeJobs, seededRandom, type SimJob } from "./workload.ts";

export interface Deployment {
  name: string;
  command: RedisClient;
  connectBlocking(): RedisClient;
  masters: Redis[];
}

export interface SimParams {
  nodes: number;
  jobs: number;
  ratePerSecond: number;
  leaseMs: number;
  seed: number;
  organizations: number;
}

const HEARTBEAT_MS = 5000;
const CLAIM_BLOCK_MS = 1000;
const SAMPLE_EVERY_MS = 100;
const PUBLISH_EVERY_MS = 10;

function timeClaims(redis: RedisClient, latencies: number[]): RedisClient {
  // Times each claim script round trip (not the blocking wake-up wait between rounds).
  return new Proxy(redis, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== "evalsha" || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        const started = performance.now();
        const reply = await value.apply(target, args);
        if (args[0] === scripts.claim.sha) latencies.push(performance.now() - started);
        return reply;
      };
    },
  });
}

export async function simulate(deployment: Deployment, params: SimParams) {
  const log = createLogger("sim", "silent");
  const keys = busKeys("sim");
  const tuning = { ...DEFAULT_TUNING, leaseMs: params.leaseMs };
  const claimLatencies: number[] = [];
  const command = timeClaims(deployment.command, claimLatencies);
  const pool = new BlockingPool({ url: "" }, "sim-claims", log, () => deployment.connectBlocking());
  const registry = new RedisNodeRegistry(deployment.command, keys);
  const makeQueue = () => new RedisJobQueue(command, pool, keys, tuning, log);
  const random = seededRandom(params.seed);
  const jobs = makeJobs(params.jobs, params.organizations, random);
  const runMs = (params.jobs / params.ratePerSecond) * 1000;
  const fleet = makeFleet(params.nodes, runMs, random);

  // Streams and groups exist before anything is counted: their cost is per deployment, not per node.
  await makeQueue().claim({ consumer: "warm-up", freeVramMb: 80 * 1024, max: 1, blockMs: 0 });

  // Memory per node: its heartbeat hash here; its consumer entries (made in a group the first time
  // it is delivered an entry of that stream) are counted after the run.
  const m0 = await snapshot(deployment.masters);
  await Promise.all(
    fleet.map((spec) =>
      registry.heartbeat(
        {
          id: spec.id,
          totalVramMb: spec.vramMb,
          freeVramMb: spec.vramMb,
          reservedVramMb: 0,
          providers: ["cuda", "cpu"],
          models: [],
          runningJobs: [],
        },
        HEARTBEAT_MS * 3,
      ),
    ),
  );
  const m1 = await snapshot(deployment.masters);
  claimLatencies.length = 0;

  // The run.
  const publishedAt = new Map<string, number>();
  const claimedAt = new Map<string, number>();
  const done = new Set<string>();
  const waitingByTier = new Map<number, number>(VRAM_TIERS_GIB.map((t) => [t, 0]));
  let takenOver = 0;
  let leasesLost = 0;
  let deliveriesTotal = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const world = {
    makeQueue,
    registry,
    leaseMs: params.leaseMs,
    heartbeatMs: HEARTBEAT_MS,
    claimBlockMs: CLAIM_BLOCK_MS,
    onClaimed(d: Delivery) {
      deliveriesTotal += 1;
      if (d.deliveryCount > 1) takenOver += 1;
      const id = d.message.jobId;
      if (!claimedAt.has(id)) {
        claimedAt.set(id, performance.now());
        const tier = tierForVramMb(d.message.vramMb);
        waitingByTier.set(tier, waitingByTier.get(tier)! - 1);
      }
    },
    onDone(d: Delivery) {
      done.add(d.message.jobId);
      if (done.size === jobs.length) finish();
    },
    onLeaseLost() {
      leasesLost += 1;
    },
  };
  const nodes = fleet.map((spec) => new SimNode(spec, world));
  // This process plays every node: its own event-loop delay is part of what the client-side claim time shows.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const before: RedisSnapshot = await snapshot(deployment.masters);
  const t0 = performance.now();
  const timers: NodeJS.Timeout[] = [];
  for (const node of nodes) {
    timers.push(setTimeout(() => node.start(), node.spec.joinAtMs));
    const exit = node.spec.exit;
    if (exit) {
      timers.push(
        setTimeout(() => {
          if (exit.kind === "die") node.die();
          else void node.leave();
        }, exit.atMs),
      );
    }
  }

  // Idle VRAM while matching work waits: free memory on nodes with a free slot that could claim a
  // waiting job (its tier fits the node's free memory) but holds none of it.
  let idleMatchingGiBSum = 0;
  let idleStaleGiBSum = 0;
  let fleetGiBSum = 0;
  let idleMatchingGiBMax = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    let idle = 0;
    let stale = 0;
    let fleetGiB = 0;
    const claimable = (freeMb: number) =>
      tiersFitting(freeMb).some((tier) => (waitingByTier.get(tier) ?? 0) > 0);
    for (const node of nodes) {
      if (node.state !== "running") continue;
      fleetGiB += node.spec.vramMb / 1024;
      if (node.freeSlots === 0) continue;
      if (!claimable(node.freeVramMb)) continue;
      idle += node.freeVramMb / 1024;
      // Waiting in a claim asked with less free memory than it has now, so it cannot see that work.
      const asked = node.claimingWithMb;
      if (asked !== undefined && asked < node.freeVramMb && !claimable(asked))
        stale += node.freeVramMb / 1024;
    }
    idleMatchingGiBSum += idle;
    idleStaleGiBSum += stale;
    fleetGiBSum += fleetGiB;
    idleMatchingGiBMax = Math.max(idleMatchingGiBMax, idle);
    samples += 1;
  }, SAMPLE_EVERY_MS);

  // The publisher: the outbox relay's publishMany, at a steady rate.
  const publisher = makeQueue();
  let next = 0;
  const publishing = (async () => {
    while (next < jobs.length) {
      const due = Math.min(jobs.length, Math.floor(((performance.now() - t0) / 1000) * params.ratePerSecond));
      if (due > next) {
        const batch = jobs.slice(next, due);
        next = due;
        const now = performance.now();
        for (const job of batch) publishedAt.set(job.jobId, now);
        await publisher.publishMany(batch.map(toMessage));
        for (const job of batch) {
          const tier = tierForVramMb(job.vramMb);
          if (!claimedAt.has(job.jobId)) waitingByTier.set(tier, waitingByTier.get(tier)! + 1);
        }
      }
      await new Promise((r) => setTimeout(r, PUBLISH_EVERY_MS));
    }
  })();

  const limitMs = runMs * 4 + params.leaseMs * 3 + 30_000;
  const timedOut = await Promise.race([
    allDone.then(() => false),
    new Promise<boolean>((r) => timers.push(setTimeout(() => r(true), limitMs))),
  ]);
  const elapsedMs = performance.now() - t0;
  await publishing;
  const after = await snapshot(deployment.masters);
  loopDelay.disable();
  clearInterval(sampler);
  for (const t of timers) clearTimeout(t);

  // Consumers the groups still hold, against the nodes still alive: churn leaves entries behind
  // (nothing deletes a consumer). Deleting those of gone nodes shows what one costs.
  const live = new Set(
    nodes.filter((n) => n.state === "running" || n.state === "leaving").map((n) => n.spec.id),
  );
  const started = nodes.filter((n) => n.state !== "idle").length;
  let consumers = 0;
  let consumersOfGone = 0;
  const streamBytes = async () => {
    let total = 0;
    for (const stream of keys.jobStreams) {
      total += Number((await deployment.command.call("MEMORY", "USAGE", stream.key, "SAMPLES", "0")) ?? 0);
    }
    return total;
  };
  const memBeforeDelete = await streamBytes();
  for (const stream of keys.jobStreams) {
    const list = (await deployment.command.xinfo("CONSUMERS", stream.key, CONSUMER_GROUP)) as unknown[][];
    for (const c of list) {
      const name = String(c[c.indexOf("name") + 1]);
      const pending = Number(c[c.indexOf("pending") + 1]);
      consumers += 1;
      if (!live.has(name) && pending === 0) {
        consumersOfGone += 1;
        await deployment.command.xgroup("DELCONSUMER", stream.key, CONSUMER_GROUP, name);
      }
    }
  }
  const bytesPerConsumer =
    consumersOfGone > 0 ? (memBeforeDelete - (await streamBytes())) / consumersOfGone : 0;

  for (const node of nodes) if (node.state === "running" || node.state === "leaving") node.die();
  pool.close();

  const change = delta(before, after);
  const waits = (priority: PriorityClass) =>
    jobs
      .filter((j) => j.priority === priority && claimedAt.has(j.jobId))
      .map((j) => claimedAt.get(j.jobId)! - publishedAt.get(j.jobId)!)
      .sort((a, b) => a - b);
  const waitsByClass = Object.fromEntries(
    PRIORITY_CLASSES.map((c) => {
      const w = waits(c);
      return [c, { p50: percentile(w, 50), p99: percentile(w, 99), max: w.at(-1) ?? Number.NaN }];
    }),
  ) as Record<PriorityClass, { p50: number; p99: number; max: number }>;
  const longestWaitByTier = new Map<number, number>();
  for (const j of jobs) {
    const at = claimedAt.get(j.jobId);
    if (at === undefined) continue;
    const tier = tierForVramMb(j.vramMb);
    longestWaitByTier.set(tier, Math.max(longestWaitByTier.get(tier) ?? 0, at - publishedAt.get(j.jobId)!));
  }
  claimLatencies.sort((a, b) => a - b);
  const claimScriptRuns = claimLatencies.length;
  const consumersPerNode = consumers / Math.max(1, started);
  return {
    name: deployment.name,
    timedOut,
    elapsedMs,
    jobsDone: done.size,
    deliveries: deliveriesTotal,
    takenOver,
    leasesLost,
    throughput: done.size / (elapsedMs / 1000),
    claimP50: percentile(claimLatencies, 50),
    claimP99: percentile(claimLatencies, 99),
    claimScriptRuns,
    claimScriptsPerJob: claimScriptRuns / Math.max(1, deliveriesTotal),
    commandsPerJob: change.totalCalls / Math.max(1, deliveriesTotal),
    commands: change.calls,
    perMasterCalls: change.perMasterCalls,
    redisCpuUsPerJob: (change.cpuSeconds * 1e6) / Math.max(1, deliveriesTotal),
    redisCpuShare: change.cpuSeconds / (elapsedMs / 1000),
    scriptUsPerCall: (change.usec.get("evalsha") ?? 0) / Math.max(1, change.calls.get("evalsha") ?? 0),
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    heartbeatBytesPerNode: (m1.usedMemory - m0.usedMemory) / params.nodes,
    memoryPerNodeBytes: (m1.usedMemory - m0.usedMemory) / params.nodes + consumersPerNode * bytesPerConsumer,
    consumersPerNode,
    bytesPerConsumer,
    consumersOfGone,
    longestWaitByTier,
    idleMatchingGiBMean: idleMatchingGiBSum / Math.max(1, samples),
    idleMatchingShare: idleMatchingGiBSum / Math.max(1, fleetGiBSum),
    idleMatchingGiBMax,
    /** The part of the idle memory whose node was blocked in a claim asked with less free memory. */
    idleStaleShareOfIdle: idleStaleGiBSum / Math.max(1e-9, idleMatchingGiBSum),
    fleetGiBMean: fleetGiBSum / Math.max(1, samples),
    waitsByClass,
    consumers,
    liveNodes: live.size,
  };
}

export type SimReport = Awaited<ReturnType<typeof simulate>>;

function toMessage(job: SimJob) {
  return {
    jobId: job.jobId,
    attempt: 1,
    priority: job.priority,
    vramMb: job.vramMb,
    projectId: "sim-project",
    orgId: job.orgId,
    payload: { ms: job.durationMs },
  };
}

/** The floor: a bare XADD, XREADGROUP claim of one entry and XACK, same Redis, 16 consumers at once. */
export async function bareClaimBaseline(deployment: Deployment, entries = 20_000) {
  const stream = "bare:{jobs}:stream";
  const redis = deployment.command;
  await redis.del(stream);
  const before = await snapshot(deployment.masters);
  await redis.xgroup("CREATE", stream, CONSUMER_GROUP, "0", "MKSTREAM");
  for (let i = 0; i < entries; i += 500) {
    const p = redis.pipeline();
    for (let k = 0; k < 500; k++) p.xadd(stream, "*", "m", '{"jobId":"x"}');
    await p.exec();
  }
  const latencies: number[] = [];
  let claimed = 0;
  await Promise.all(
    Array.from({ length: 16 }, async (_, c) => {
      for (;;) {
        const started = performance.now();
        const reply = (await redis.xreadgroup(
          "GROUP",
          CONSUMER_GROUP,
          `c${c}`,
          "COUNT",
          1,
          "STREAMS",
          stream,
          ">",
        )) as Array<[string, Array<[string, string[]]>]> | null;
        latencies.push(performance.now() - started);
        const entry = reply?.[0]?.[1]?.[0];
        if (!entry) return;
        claimed += 1;
        await redis.xack(stream, CONSUMER_GROUP, entry[0]);
      }
    }),
  );
  const after = await snapshot(deployment.masters);
  await redis.del(stream);
  latencies.sort((a, b) => a - b);
  const change = delta(before, after);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    commandsPerJob: change.totalCalls / Math.max(1, claimed),
    cpuUsPerJob: (change.cpuSeconds * 1e6) / Math.max(1, claimed),
  };
}

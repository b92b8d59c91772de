/**
 * The scheduler at fleet scale: simulated GPU nodes (mixed VRAM 0–80 GiB, joining, leaving and
 * dying) claim jobs of every class and tier through the bus's real Lua scripts (RedisJobQueue),
 * first on one Redis, then on a Redis Cluster of local redis-server processes (keys hash-tagged
 * `{jobs}`). Redis runs in processes of its own, started here so INFO counts only this run; the
 * nodes and the publisher share this process. Baseline: a bare XADD → XREADGROUP → XACK claim on
 * the same Redis. Findings: docs/scheduler-simulation.md.
 * `npm run bench` runs a scaled-down fleet (100 nodes, 6,000 jobs at 120 a second); the full 1,000 nodes and
 * 100,000 jobs at 1,200 a second: `npx tsx bench/schedulerSim.ts --full`.
 */
import { Redis } from "ioredis";
import { type BenchResult, formatResult, runIfMain } from "./result.ts";
import { startLocalCluster, startLocalRedis } from "./scheduler/redisProcesses.ts";
import {
  bareClaimBaseline,
  type Deployment,
  type SimParams,
  type SimReport,
  simulate,
} from "./scheduler/simulate.ts";

const FULL = process.argv.includes("--full");

const PARAMS: SimParams = FULL
  ? { nodes: 1000, jobs: 100_000, ratePerSecond: 1200, leaseMs: 5000, seed: 7, organizations: 200 }
  : { nodes: 100, jobs: 6000, ratePerSecond: 120, leaseMs: 5000, seed: 7, organizations: 40 };

const round = (n: number) => Number(n.toPrecision(4));

function describe(r: SimReport): void {
  const top = [...r.commands].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.error(
    [
      `   [${r.name}] ${r.jobsDone} jobs done in ${(r.elapsedMs / 1000).toFixed(1)} s${r.timedOut ? " (TIMED OUT)" : ""}` +
        ` = ${round(r.throughput)} jobs/s; deliveries ${r.deliveries}, taken over ${r.takenOver}, leases lost ${r.leasesLost}`,
      `   claim script round trip p50 ${round(r.claimP50)} ms p99 ${round(r.claimP99)} ms (this process's loop delay p99 ${round(r.loopDelayP99Ms)} ms); Redis time per script ${round(r.scriptUsPerCall)} µs; ${r.claimScriptRuns} claim scripts = ${round(r.claimScriptsPerJob)} per delivered job`,
      `   Redis: ${round(r.commandsPerJob)} commands per job, ${round(r.redisCpuUsPerJob)} µs CPU per job, busy ${(r.redisCpuShare * 100).toFixed(0)} % of the run; per master ${r.perMasterCalls.join(" / ")}`,
      `   top commands: ${top.map(([n, c]) => `${n}=${c}`).join(" ")}`,
      `   memory per node ${round(r.memoryPerNodeBytes)} B = heartbeat hash ${round(r.heartbeatBytesPerNode)} B + ${round(r.consumersPerNode)} group consumers × ${round(r.bytesPerConsumer)} B; at the end ${r.consumers} consumers for ${r.liveNodes} live nodes, ${r.consumersOfGone} of gone nodes (deleted)`,
      `   longest wait by tier (GiB: ms): ${[...r.longestWaitByTier]
        .sort((a, b) => a[0] - b[0])
        .map(([t, w]) => `${t}: ${Math.round(w)}`)
        .join(", ")}`,
      `   idle VRAM with matching work waiting: mean ${round(r.idleMatchingGiBMean)} GiB of ${round(r.fleetGiBMean)} (${(r.idleMatchingShare * 100).toFixed(1)} %), max ${round(r.idleMatchingGiBMax)} GiB; ${(r.idleStaleShareOfIdle * 100).toFixed(0)} % of it on nodes blocked in a claim asked with less free memory`,
      `   wait publish → claimed (ms): ${Object.entries(r.waitsByClass)
        .map(([c, w]) => `${c} p50 ${round(w.p50)} p99 ${round(w.p99)} max ${round(w.max)}`)
        .join("; ")}`,
    ].join("\n"),
  );
}

function results(
  prefix: string,
  r: SimReport,
  bare: Awaited<ReturnType<typeof bareClaimBaseline>>,
): BenchResult[] {
  return [
    { name: `${prefix}_claim_p50`, value: r.claimP50, unit: "ms", baseline: bare.p50 },
    { name: `${prefix}_claim_p99`, value: r.claimP99, unit: "ms", baseline: bare.p99 },
    {
      name: `${prefix}_redis_cmds_per_job`,
      value: r.commandsPerJob,
      unit: "commands",
      baseline: bare.commandsPerJob,
    },
    {
      name: `${prefix}_redis_cpu_per_job`,
      value: r.redisCpuUsPerJob,
      unit: "us",
      baseline: bare.cpuUsPerJob,
    },
    {
      name: `${prefix}_memory_per_node`,
      value: r.memoryPerNodeBytes,
      unit: "bytes",
      baseline: r.heartbeatBytesPerNode,
    },
    {
      name: `${prefix}_idle_matching_vram`,
      value: r.idleMatchingGiBMean,
      unit: "GiB",
      baseline: r.fleetGiBMean,
    },
    {
      name: `${prefix}_batch_longest_wait`,
      value: r.waitsByClass.batch.max,
      unit: "ms",
      baseline: r.waitsByClass.interactive.max,
    },
    { name: `${prefix}_throughput`, value: r.throughput, unit: "jobs/s", baseline: PARAMS.ratePerSecond },
  ];
}

async function onOneRedis(): Promise<BenchResult[]> {
  const local = await startLocalRedis();
  const command = new Redis(local.url, { enableAutoPipelining: true });
  const deployment: Deployment = {
    name: "one Redis",
    command,
    connectBlocking: () => new Redis(local.url, { maxRetriesPerRequest: null, lazyConnect: true }),
    masters: local.masters,
  };
  try {
    const bare = await bareClaimBaseline(deployment);
    console.error(
      `   [one Redis] bare claim p50 ${round(bare.p50)} ms p99 ${round(bare.p99)} ms, ${round(bare.commandsPerJob)} commands, ${round(bare.cpuUsPerJob)} µs per job`,
    );
    const report = await simulate(deployment, PARAMS);
    describe(report);
    return results("sim", report, bare);
  } finally {
    command.disconnect();
    await local.stop();
  }
}

async function onCluster(): Promise<BenchResult[]> {
  const cluster = await startLocalCluster(3);
  const command = cluster.connect();
  const deployment: Deployment = {
    name: "Redis Cluster ×3",
    command,
    connectBlocking: () => cluster.connect({ blocking: true }),
    masters: cluster.masters,
  };
  try {
    const bare = await bareClaimBaseline(deployment);
    console.error(
      `   [cluster] bare claim p50 ${round(bare.p50)} ms p99 ${round(bare.p99)} ms, ${round(bare.commandsPerJob)} commands per job`,
    );
    const report = await simulate(deployment, PARAMS);
    describe(report);
    const busiest = Math.max(...report.perMasterCalls);
    const total = report.perMasterCalls.reduce((a, b) => a + b, 0);
    return [
      ...results("sim_cluster", report, bare),
      // Share of all commands the busiest shard ran; an even spread would be 1/3.
      { name: "sim_cluster_busiest_shard_share", value: busiest / total, unit: "share", baseline: 1 / 3 },
    ];
  } finally {
    command.disconnect();
    await cluster.stop();
  }
}

export async function run(): Promise<BenchResult[]> {
  console.error(
    `   ${PARAMS.nodes} nodes, ${PARAMS.jobs} jobs at ${PARAMS.ratePerSecond}/s, lease ${PARAMS.leaseMs} ms${FULL ? " (full)" : " (scaled down; --full for 1,000 / 100,000)"}`,
  );
  const single = await onOneRedis();
  for (const r of single) console.error(`   ${formatResult(r)}`);
  const clustered = await onCluster();
  return [...single, ...clustered];
}

await runIfMain(import.meta.url, run);

/**
 * The whole way in: `jobs.create` over tRPC HTTP (session cookie, access check, one Postgres
 * statement with the job, its steps and an outbox row, shared with submissions arriving at the same
 * moment (group commit), the queued event), the outbox relay's publish, and a node's claim.
 * Measured: sustained jobs a second with 64 submits in flight, and submit → claimed latency at a
 * steady 100 and 500 submits a second, with one server process and with two sharing the port
 * (ATELIER_SERVER_PROCESSES=2). The server runs as its own process(es) (as deployed); this process
 * is the clients and a bare node.
 * Baseline, same Redis, same run: BullMQ `queue.add` → its worker starting the job, at the same
 * rates and in-flight count (no HTTP and no database on that side).
 * Run alone: `npx tsx bench/lifecycle.ts`.
 */
import { randomBytes } from "node:crypto";
import { RedisStreamsBus } from "@atelier/bus";
import { createLogger } from "@atelier/shared";
import { Queue, Worker } from "bullmq";
import { fixture, signUpWithProject, upload } from "../apps/server/src/testing/fixtures.ts";
import { createClient } from "../apps/server/src/testing/testApp.ts";
import { BENCH_REDIS_URL, deleteRedisKeys } from "./support/redisKeys.ts";
import { groupCpuMicros } from "./support/processCpu.ts";
import { startScaledOutServer } from "./support/scaledOutServer.ts";
import { type BenchResult, percentile, runIfMain } from "./result.ts";

const RATES = [100, 500];
const RATE_SECONDS = 5;
const SUSTAINED_SECONDS = 5;
const IN_FLIGHT = 64;

/** One side of the comparison: submit a job, and learn when a consumer claimed it. */
interface Lane {
  submit(): Promise<string>;
  claimedAt: Map<string, number>;
  /** The server's CPU time (ms, all its processes), its Postgres backends' and commits so far; absent for BullMQ. */
  cost?(): Promise<{ cpuMs: number; pgCpuMs: number; commits: number }>;
  close(): Promise<void>;
}

async function atelierLane(processes: number, groupCommit = true): Promise<Lane> {
  // The bare node acks without finishing jobs, so every job stays queued in the database: no cap here.
  const server = await startScaledOutServer({
    ATELIER_EMBEDDED_WORKER: "false",
    ATELIER_ORG_MAX_LIVE_JOBS: "1000000",
    // One organization submits at 500 a second here: no per-organization or per-person rate limit.
    ATELIER_ORG_SUBMITS_PER_MINUTE: "10000000",
    ATELIER_API_CALLS_PER_MINUTE: "10000000",
    ATELIER_SERVER_PROCESSES: String(processes),
    ATELIER_GROUP_COMMIT: String(groupCommit),
  });
  const { prefix } = server;
  const client = createClient(server.url);
  const { project } = await signUpWithProject(client, "Bench");
  const asset = await upload(client, project.id, "chelsea.png", fixture("chelsea.png"));
  // A bare node: claims and acks, so the figure is the platform's way in, not a step's run time.
  const node = RedisStreamsBus.create({
    redisUrl: BENCH_REDIS_URL,
    prefix,
    logger: createLogger("bench", "silent"),
  });
  const claimedAt = new Map<string, number>();
  let stopped = false;
  const consuming = (async () => {
    while (!stopped) {
      const deliveries = await node.claim({ consumer: "bench", freeVramMb: 0, max: 100, blockMs: 200 });
      const now = performance.now();
      for (const d of deliveries) claimedAt.set(d.message.jobId, now);
      if (deliveries.length) await node.ackMany(deliveries);
    }
  })();
  const input = {
    projectId: project.id,
    assetIds: [asset.id],
    spec: { steps: [{ step: "diagnostic", params: { ms: 0 } }] },
  };
  return {
    submit: async () => (await client.trpc.jobs.create.mutate(input)).id,
    claimedAt,
    cost: async () => ({
      cpuMs: groupCpuMicros(server.pid) / 1000,
      pgCpuMs: await server.postgresCpuMs(),
      commits: await server.commits(),
    }),
    close: async () => {
      stopped = true;
      await consuming;
      await node.close();
      await server.stop();
    },
  };
}

async function bullmqLane(): Promise<Lane> {
  const prefix = `bench-life-bull-${randomBytes(4).toString("hex")}`;
  const url = new URL(BENCH_REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  const queue = new Queue("bench", { connection, prefix });
  const claimedAt = new Map<string, number>();
  const worker = new Worker(
    "bench",
    async (job) => {
      claimedAt.set(job.id!, performance.now());
    },
    { connection, prefix, concurrency: 100 },
  );
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
  let n = 0;
  return {
    submit: async () => (await queue.add("noop", { n: n++ }, { removeOnComplete: true })).id!,
    claimedAt,
    close: async () => {
      await worker.close();
      await queue.close();
      await deleteRedisKeys(`${prefix}:`);
    },
  };
}

/** Submits at a steady rate for `seconds` (open loop: late answers do not slow the schedule). */
async function latencyAt(lane: Lane, rate: number, seconds: number): Promise<number[]> {
  const total = rate * seconds;
  const submittedAt = new Map<string, number>();
  const started = performance.now();
  const pending: Promise<void>[] = [];
  let failed = 0;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(
      lane.submit().then(
        (id) => void submittedAt.set(id, t0),
        () => {
          failed += 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  // A refused or reset submission is counted, not hidden: the figure is only for the ones that landed.
  if (failed > 0) console.error(`   ${failed} of ${total} submissions failed at ${rate}/s`);
  await waitUntil(() => [...submittedAt.keys()].every((id) => lane.claimedAt.has(id)));
  return [...submittedAt].map(([id, t0]) => lane.claimedAt.get(id)! - t0).sort((a, b) => a - b);
}

/** Keeps IN_FLIGHT submits going for `seconds`; answers claimed jobs a second, and the server's cost per job. */
async function sustained(lane: Lane, seconds: number) {
  const ids: string[] = [];
  const before = await lane.cost?.();
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) ids.push(await lane.submit());
    }),
  );
  await waitUntil(() => ids.every((id) => lane.claimedAt.has(id)));
  const after = await lane.cost?.();
  const first = Math.min(...ids.map((id) => lane.claimedAt.get(id)!));
  const last = Math.max(...ids.map((id) => lane.claimedAt.get(id)!));
  return {
    jobsPerSecond: ids.length / ((last - first) / 1000),
    cpuMsPerJob: before && after ? (after.cpuMs - before.cpuMs) / ids.length : Number.NaN,
    pgCpuMsPerJob: before && after ? (after.pgCpuMs - before.pgCpuMs) / ids.length : Number.NaN,
    commitsPerJob: before && after ? (after.commits - before.commits) / ids.length : Number.NaN,
  };
}

async function waitUntil(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("jobs were not claimed in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function measure(lane: Lane, name: string) {
  await latencyAt(lane, 100, 1); // warm-up: connections, JIT, prepared statements
  const latencies = new Map<number, number[]>();
  for (const rate of RATES) {
    latencies.set(rate, await latencyAt(lane, rate, RATE_SECONDS));
    console.error(`   ${name}: ${rate}/s p99 ${percentile(latencies.get(rate)!, 99).toFixed(1)} ms`);
  }
  const { jobsPerSecond, cpuMsPerJob, pgCpuMsPerJob, commitsPerJob } = await sustained(
    lane,
    SUSTAINED_SECONDS,
  );
  console.error(
    `   ${name}: sustained ${jobsPerSecond.toFixed(0)} jobs/s; per job: server CPU ${cpuMsPerJob.toFixed(2)} ms, Postgres CPU ${pgCpuMsPerJob.toFixed(2)} ms, ${commitsPerJob.toFixed(2)} Postgres commits`,
  );
  return { latencies, jobsPerSecond, cpuMsPerJob, pgCpuMsPerJob, commitsPerJob };
}

export async function run(): Promise<BenchResult[]> {
  const one = await atelierLane(1);
  const mine = await measure(one, "1 server process").finally(() => one.close());
  const single = await atelierLane(1, false);
  const alone = await measure(single, "1 server process, no group commit").finally(() => single.close());
  const two = await atelierLane(2);
  const mine2 = await measure(two, "2 server processes").finally(() => two.close());
  const theirs = await bullmqLane();
  const base = await measure(theirs, "BullMQ").finally(() => theirs.close());
  const results: BenchResult[] = [
    { name: "lifecycle_sustained", value: mine.jobsPerSecond, unit: "jobs/s", baseline: base.jobsPerSecond },
    {
      name: "lifecycle_sustained_2proc",
      value: mine2.jobsPerSecond,
      unit: "jobs/s",
      baseline: base.jobsPerSecond,
    },
    // Group commit against one statement per job, same server otherwise: cost on the server and in Postgres.
    {
      name: "lifecycle_server_cpu_per_job",
      value: mine.cpuMsPerJob,
      unit: "ms",
      baseline: alone.cpuMsPerJob,
    },
    {
      name: "lifecycle_pg_cpu_per_job",
      value: mine.pgCpuMsPerJob,
      unit: "ms",
      baseline: alone.pgCpuMsPerJob,
    },
    {
      name: "lifecycle_pg_commits_per_job",
      value: mine.commitsPerJob,
      unit: "commits",
      baseline: alone.commitsPerJob,
    },
    {
      name: "lifecycle_claim_p99_at_500_group_commit",
      value: percentile(mine.latencies.get(500)!, 99),
      unit: "ms",
      baseline: percentile(alone.latencies.get(500)!, 99),
    },
  ];
  for (const [suffix, figures] of [
    ["", mine],
    ["_2proc", mine2],
  ] as const) {
    for (const rate of RATES) {
      for (const p of [50, 99]) {
        results.push({
          name: `lifecycle_claim_p${p}_at_${rate}${suffix}`,
          value: percentile(figures.latencies.get(rate)!, p),
          unit: "ms",
          baseline: percentile(base.latencies.get(rate)!, p),
        });
      }
    }
  }
  return results;
}

await runIfMain(import.meta.url, run);

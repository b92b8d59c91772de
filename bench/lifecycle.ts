/**
 * The whole way in: `jobs.create` over tRPC HTTP (session cookie, access check, one Postgres
 * statement with the job, its steps and an outbox row, shared with submissions arriving at the same
 * moment (group commit), the queued event), the outbox relay's publish, and a node's claim.
 * Measured: sustained jobs a second with 64 submits in flight, and submit → claimed latency at a
 * steady 100 and 500 submits a second, with one server process and with two sharing the port
 * (ATELIER_SERVER_PROCESSES=2). Every party runs in a process of its own: the server(s) (as
 * deployed), the submitters (a client written from tRPC's HTTP wire format) and a bare node; this
 * process only drives them and reads the figures.
 * Baseline, same Redis, same run: BullMQ `queue.add` → its worker starting the job, at the same
 * rates and in-flight count (no HTTP and no database on that side).
 * Run alone: `npx tsx bench/lifecycle.ts`.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { TEST_DATABASE_ADMIN_URL } from "@atelier/db/testing";
import { fixture, signUpWithProject, upload } from "../apps/server/src/testing/fixtures.ts";
import { createClient } from "../apps/server/src/testing/testApp.ts";
import { ForkedProcess } from "./support/forked.ts";
import type { NodeCommand, NodeReply } from "./support/lifecycleNode.ts";
import type { RoundTripCommand, RoundTripFigures, RoundTripReply } from "./support/roundTrips.ts";
import type { SubmitterCommand, SubmitterReply } from "./support/lifecycleSubmitter.ts";
import { groupCpuMicros } from "./support/processCpu.ts";
import { BENCH_REDIS_URL, deleteRedisKeys } from "./support/redisKeys.ts";
import { startScaledOutServer } from "./support/scaledOutServer.ts";
import { type BenchResult, percentile, runIfMain } from "./result.ts";

const RATES = [100, 500];
const RATE_SECONDS = 5;
const WARM_UP_SECONDS = 3;
const SUSTAINED_SECONDS = 5;
const IN_FLIGHT = 64;
const CLAIM_TIMEOUT_MS = 30_000;

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * One side of the comparison: submitters and a consumer, each in a process of its own, stamping
 * submissions and claims with the machine's shared clock.
 */
interface Lane {
  submitter: ForkedProcess<SubmitterCommand, SubmitterReply>;
  node: ForkedProcess<NodeCommand, NodeReply>;
  /** The server's CPU time (ms, all its processes), its Postgres backends' and commits so far; absent for BullMQ. */
  cost?(): Promise<{ cpuMs: number; pgCpuMs: number; commits: number }>;
  close(): Promise<void>;
}

async function startParties(submitterSetup: SubmitterCommand, nodeSetup: NodeCommand) {
  const submitter = new ForkedProcess<SubmitterCommand, SubmitterReply>(
    here("support/lifecycleSubmitter.ts"),
    "the submitter",
  );
  const node = new ForkedProcess<NodeCommand, NodeReply>(here("support/lifecycleNode.ts"), "the node");
  await Promise.all([submitter.ask(submitterSetup, "ready"), node.ask(nodeSetup, "ready")]);
  return { submitter, node };
}

async function atelierLane(processes: number, groupCommit = true): Promise<Lane> {
  // The bare node acks without finishing jobs, so every job stays queued in the database: no cap here.
  const server = await startScaledOutServer({
    ATELIER_EMBEDDED_WORKER: "false",
    ATELIER_ORG_MAX_LIVE_JOBS: "1000000",
    ATELIER_SERVER_PROCESSES: String(processes),
    ATELIER_GROUP_COMMIT: String(groupCommit),
  });
  const client = createClient(server.url);
  const { project } = await signUpWithProject(client, "Bench");
  const asset = await upload(client, project.id, "chelsea.png", fixture("chelsea.png"));
  const input = {
    projectId: project.id,
    assetIds: [asset.id],
    spec: { steps: [{ step: "diagnostic", params: { ms: 0 } }] },
  };
  const parties = await startParties(
    { type: "atelier", url: server.url, headers: client.headers(), input },
    { type: "atelier", redisUrl: BENCH_REDIS_URL, prefix: server.prefix },
  );
  return {
    ...parties,
    cost: async () => ({
      cpuMs: groupCpuMicros(server.pid) / 1000,
      pgCpuMs: await server.postgresCpuMs(),
      commits: await server.commits(),
    }),
    close: async () => {
      await Promise.all([parties.submitter.close(), parties.node.close()]);
      await server.stop();
    },
  };
}

async function bullmqLane(): Promise<Lane> {
  const prefix = `bench-life-bull-${randomBytes(4).toString("hex")}`;
  const parties = await startParties(
    { type: "bullmq", redisUrl: BENCH_REDIS_URL, prefix },
    { type: "bullmq", redisUrl: BENCH_REDIS_URL, prefix },
  );
  return {
    ...parties,
    close: async () => {
      await Promise.all([parties.submitter.close(), parties.node.close()]);
      await deleteRedisKeys(`${prefix}:`);
    },
  };
}

/** Submissions as the submitter reports them, each with its claim time from the node. */
async function claimsOf(lane: Lane, submitted: Extract<SubmitterReply, { type: "submitted" }>, what: string) {
  // A refused or reset submission is counted, not hidden: the figures are only for the ones that landed.
  if (submitted.failed > 0) console.error(`   ${submitted.failed} submissions failed ${what}`);
  const { at } = await lane.node.ask(
    { type: "claimed", ids: submitted.ids, timeoutMs: CLAIM_TIMEOUT_MS },
    "claimed",
  );
  const missing = at.filter(Number.isNaN).length;
  if (missing > 0) throw new Error(`${missing} of ${at.length} jobs were not claimed within 30 s ${what}`);
  return at;
}

/** Submit → claimed latencies (ms, sorted) at a steady rate for `seconds`. */
async function latencyAt(lane: Lane, rate: number, seconds: number): Promise<number[]> {
  const submitted = await lane.submitter.ask({ type: "rate", rate, seconds }, "submitted");
  const at = await claimsOf(lane, submitted, `at ${rate}/s`);
  return Array.from(at, (claimed, i) => claimed - submitted.sentAt[i]!).sort((a, b) => a - b);
}

/** Keeps IN_FLIGHT submits going for `seconds`; answers claimed jobs a second, and the costs per job. */
async function sustained(lane: Lane, seconds: number) {
  const before = await lane.cost?.();
  const submitted = await lane.submitter.ask(
    { type: "sustained", seconds, inFlight: IN_FLIGHT },
    "submitted",
  );
  const at = await claimsOf(lane, submitted, "sustained");
  const after = await lane.cost?.();
  const jobs = at.length;
  const first = Math.min(...at);
  const last = Math.max(...at);
  return {
    jobsPerSecond: jobs / ((last - first) / 1000),
    cpuMsPerJob: before && after ? (after.cpuMs - before.cpuMs) / jobs : Number.NaN,
    pgCpuMsPerJob: before && after ? (after.pgCpuMs - before.pgCpuMs) / jobs : Number.NaN,
    commitsPerJob: before && after ? (after.commits - before.commits) / jobs : Number.NaN,
    clientCpuMsPerJob: submitted.cpuMicros / 1000 / jobs,
  };
}

async function measure(lane: Lane, name: string) {
  // Warm-up at every rate measured, as a long-running server is: connections, JIT, prepared statements,
  // and the batch paths only concurrency takes (a 100-job warm-up left those cold, and the first
  // second at 500/s then cost seconds of queueing). One second at each rate was still not enough:
  // the server's CPU per job in the next 5 s at 500/s was a third above that of the 5 s after them.
  for (const rate of RATES) await latencyAt(lane, rate, WARM_UP_SECONDS);
  const latencies = new Map<number, number[]>();
  for (const rate of RATES) {
    latencies.set(rate, await latencyAt(lane, rate, RATE_SECONDS));
    console.error(`   ${name}: ${rate}/s p99 ${percentile(latencies.get(rate)!, 99).toFixed(1)} ms`);
  }
  const { jobsPerSecond, cpuMsPerJob, pgCpuMsPerJob, commitsPerJob, clientCpuMsPerJob } = await sustained(
    lane,
    SUSTAINED_SECONDS,
  );
  console.error(
    `   ${name}: sustained ${jobsPerSecond.toFixed(0)} jobs/s; per job: server CPU ${cpuMsPerJob.toFixed(2)} ms, Postgres CPU ${pgCpuMsPerJob.toFixed(2)} ms, ${commitsPerJob.toFixed(2)} Postgres commits, submitter CPU ${clientCpuMsPerJob.toFixed(2)} ms`,
  );
  return { latencies, jobsPerSecond, cpuMsPerJob, pgCpuMsPerJob, commitsPerJob };
}

/** The machine's idle round trips to Postgres and Redis, printed beside the figures they bound. */
async function machineRoundTrips(databaseUrl: string): Promise<void> {
  const probe = new ForkedProcess<RoundTripCommand, RoundTripReply>(
    here("support/roundTrips.ts"),
    "the probe",
  );
  try {
    const measured = await probe.ask(
      { type: "measure", databaseUrl, redisUrl: BENCH_REDIS_URL, rate: 100, seconds: 3 },
      "measured",
    );
    const figures = (f: RoundTripFigures) =>
      `p50 ${f.p50.toFixed(2)} / p99 ${f.p99.toFixed(2)} / max ${f.max.toFixed(1)} ms`;
    console.error(
      `   this machine, idle, 100 round trips a second: Postgres ${figures(measured.postgres)}; Redis ${figures(measured.redis)}`,
    );
  } finally {
    await probe.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  await machineRoundTrips(TEST_DATABASE_ADMIN_URL);
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

/**
 * Fan-out: one project's live events to many WebSocket subscribers, with every party in a process of
 * its own, as deployed. The server (or two, sharing one Redis and database) runs as its own process;
 * the subscribers are WebSocket clients written from tRPC's wire format, in two other processes; the
 * publisher, in another, appends `job.progress` events to the project's stream on Redis at a steady
 * rate, each stamped with its send time. Baseline, same run, same subscriber processes and publisher:
 * a bare `ws` broadcast server in its own process (or two), fed the same events as ready-made frames,
 * sending each to every socket. Reported per scenario: p99 send → receive latency, delivered %, and
 * the server's CPU time per delivered message (read from /proc).
 * Run alone: `npx tsx bench/fanout.ts`.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { signUpWithProject } from "../apps/server/src/testing/fixtures.ts";
import { createClient } from "../apps/server/src/testing/testApp.ts";
import type { PublisherArgs } from "./support/fanoutPublisher.ts";
import type { SubscribersCommand, SubscribersReply } from "./support/fanoutSubscribers.ts";
import { ForkedProcess } from "./support/forked.ts";
import { groupCpuMicros, processCpuMicros } from "./support/processCpu.ts";
import { BENCH_REDIS_URL } from "./support/redisKeys.ts";
import { startScaledOutServers } from "./support/serverGroup.ts";
import { startBroadcast } from "./support/broadcast.ts";
import { type BenchResult, percentile, runIfMain } from "./result.ts";

const SECONDS = Number(process.env.FANOUT_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const SUBSCRIBER_PROCESSES = 2;
/** How long after the last event a message may still arrive and count as delivered. */
const GRACE_MS = 2_000;

interface Scenario {
  name: string;
  subscribers: number;
  rate: number;
  servers: number;
}

const SCENARIOS: Scenario[] = [
  { name: "fanout", subscribers: 500, rate: 50, servers: 1 },
  { name: "fanout_200hz", subscribers: 500, rate: 200, servers: 1 },
  { name: "fanout_2000", subscribers: 2000, rate: 50, servers: 1 },
  { name: "fanout_2proc", subscribers: 2000, rate: 50, servers: 2 },
];

interface Measure {
  p99: number;
  p50: number;
  deliveredPct: number;
  cpuMicrosPerMessage: number;
}

/** What a scenario runs against: URLs for the subscribers, how to publish, and whose CPU counts. */
interface Target {
  urls: string[];
  headers: Record<string, string>;
  projectId?: string;
  publisher: PublisherArgs["target"];
  cpuMicros(): number;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const subscriberProcess = () =>
  new ForkedProcess<SubscribersCommand, SubscribersReply>(
    here("support/fanoutSubscribers.ts"),
    "subscribers",
  );

async function publish(args: PublisherArgs): Promise<void> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", here("support/fanoutPublisher.ts"), JSON.stringify(args)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const [code] = (await once(child, "exit")) as [number];
  if (code !== 0) throw new Error(`the publisher exited with code ${code}`);
}

async function runScenario(scenario: Scenario, target: Target): Promise<Measure> {
  const processes = Array.from({ length: SUBSCRIBER_PROCESSES }, subscriberProcess);
  try {
    const share = Math.ceil(scenario.subscribers / processes.length);
    await Promise.all(
      processes.map((p, i) =>
        p.ask(
          {
            type: "open",
            // Each process spreads its sockets over every server.
            urls: target.urls,
            count: Math.min(share, scenario.subscribers - i * share),
            headers: target.headers,
            projectId: target.projectId,
          },
          "ready",
        ),
      ),
    );
    const publishing = publish({
      rate: scenario.rate,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      target: target.publisher,
    });
    // CPU from the end of the warm-up (roughly) to the end of the grace period.
    await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000 + 500));
    const cpuBefore = target.cpuMicros();
    await publishing;
    const expected = Math.round(scenario.rate * SECONDS) * scenario.subscribers;
    const deadline = Date.now() + GRACE_MS;
    let reports: Array<{ delivered: number; latencies: Float64Array }> = [];
    for (;;) {
      reports = await Promise.all(processes.map((p) => p.ask({ type: "report" }, "report")));
      const delivered = reports.reduce((n, r) => n + r.delivered, 0);
      if (delivered >= expected || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const cpu = target.cpuMicros() - cpuBefore;
    const all = new Float64Array(reports.reduce((n, r) => n + r.latencies.length, 0));
    let offset = 0;
    for (const r of reports) {
      all.set(r.latencies, offset);
      offset += r.latencies.length;
    }
    all.sort();
    const sorted = Array.from(all);
    return {
      p99: percentile(sorted, 99),
      p50: percentile(sorted, 50),
      deliveredPct: (100 * all.length) / expected,
      cpuMicrosPerMessage: all.length ? cpu / all.length : Number.NaN,
    };
  } finally {
    await Promise.all(processes.map((p) => p.close()));
  }
}

export async function bare(scenario: Scenario): Promise<Measure> {
  const relays = await Promise.all(Array.from({ length: scenario.servers }, () => startBroadcast()));
  try {
    return await runScenario(scenario, {
      urls: relays.map((r) => r.url),
      headers: {},
      publisher: { kind: "relay", urls: relays.map((r) => r.publishUrl) },
      cpuMicros: () => relays.reduce((sum, r) => sum + processCpuMicros(r.pid), 0),
    });
  } finally {
    await Promise.all(relays.map((r) => r.stop()));
  }
}

async function atelier(
  scenario: Scenario,
  servers: Awaited<ReturnType<typeof startScaledOutServers>>,
): Promise<Measure> {
  const owner = createClient(servers.urls[0]!);
  const { project } = await signUpWithProject(owner, `Fanout${scenario.name.replace(/\W/g, "")}`);
  const urls = servers.urls.slice(0, scenario.servers).map((url) => `${url.replace("http", "ws")}/trpc`);
  return runScenario(scenario, {
    urls,
    headers: owner.headers(),
    projectId: project.id,
    publisher: { kind: "bus", redisUrl: BENCH_REDIS_URL, prefix: servers.prefix, projectId: project.id },
    cpuMicros: () =>
      servers.pids.slice(0, scenario.servers).reduce((sum, pid) => sum + groupCpuMicros(pid), 0),
  });
}

export async function run(): Promise<BenchResult[]> {
  const only = process.env.FANOUT_ONLY?.split(",");
  const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.name));
  const servers = await startScaledOutServers(Math.max(...scenarios.map((s) => s.servers)), {
    ATELIER_EMBEDDED_WORKER: "false",
  });
  const results: BenchResult[] = [];
  try {
    for (const scenario of scenarios) {
      const ours = await atelier(scenario, servers);
      const base = await bare(scenario);
      const label = `${scenario.subscribers} subscribers, ${scenario.rate} events/s, ${scenario.servers} server process${scenario.servers > 1 ? "es" : ""}`;
      console.error(
        `   ${scenario.name}: ${label}: p50 ${ours.p50.toFixed(1)} ms (bare ${base.p50.toFixed(1)}), ` +
          `CPU ${ours.cpuMicrosPerMessage.toFixed(1)} µs per delivered message (bare ${base.cpuMicrosPerMessage.toFixed(1)})`,
      );
      results.push(
        { name: `${scenario.name}_p99_latency`, value: ours.p99, unit: "ms", baseline: base.p99 },
        {
          name: `${scenario.name}_delivered`,
          value: ours.deliveredPct,
          unit: "%",
          baseline: base.deliveredPct,
        },
        {
          name: `${scenario.name}_cpu_per_message`,
          value: ours.cpuMicrosPerMessage,
          unit: "us",
          baseline: base.cpuMicrosPerMessage,
        },
      );
    }
  } finally {
    await servers.stop();
  }
  return results;
}

await runIfMain(import.meta.url, run);

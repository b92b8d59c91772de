/**
 * Fair share between organizations: one organization floods the queue with 500 jobs, another
 * submits one job at a time while that backlog drains; its wait (jobs.create over tRPC HTTP →
 * claimed by a node) is the figure. The baseline is the same job's wait on an idle queue, in the
 * same run. The server runs as its own process on Postgres + Redis (as deployed); this process is
 * the clients and a node with two slots that holds each job for JOB_MS, as a step would.
 * Run alone: `npx tsx bench/fairShare.ts`.
 */
import { RedisStreamsBus } from "@atelier/bus";
import { createLogger } from "@atelier/shared";
import { fixture, signUpWithProject, upload } from "../apps/server/src/testing/fixtures.ts";
import { createClient } from "../apps/server/src/testing/testApp.ts";
import { type BenchResult, percentile, runIfMain } from "./result.ts";
import { BENCH_REDIS_URL } from "./support/redisKeys.ts";
import { startScaledOutServer } from "./support/scaledOutServer.ts";

const FLOOD = 500;
const SLOTS = 2;
const JOB_MS = 20;
const SAMPLES = 30;
const SAMPLE_EVERY_MS = 80;

type Tenant = { submit(): Promise<string> };

async function tenant(url: string, name: string): Promise<Tenant> {
  const client = createClient(url);
  const { project } = await signUpWithProject(client, name);
  const asset = await upload(client, project.id, "chelsea.png", fixture("chelsea.png"));
  const input = {
    projectId: project.id,
    assetIds: [asset.id],
    spec: { steps: [{ step: "diagnostic", params: { ms: 0 } }] },
  };
  return { submit: async () => (await client.trpc.jobs.create.mutate(input)).id };
}

/** A node with SLOTS slots that holds each job for JOB_MS; records when each job was claimed. */
function startNode(prefix: string) {
  const bus = RedisStreamsBus.create({
    redisUrl: BENCH_REDIS_URL,
    prefix,
    logger: createLogger("bench", "silent"),
  });
  const claimedAt = new Map<string, number>();
  let free = SLOTS;
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      if (free === 0) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      const deliveries = await bus.claim({ consumer: "bench-node", freeVramMb: 0, max: free, blockMs: 100 });
      const now = performance.now();
      for (const d of deliveries) {
        claimedAt.set(d.message.jobId, now);
        free -= 1;
        setTimeout(() => {
          bus
            .ack(d)
            .catch(() => undefined)
            .finally(() => {
              free += 1;
            });
        }, JOB_MS);
      }
    }
  })();
  return {
    claimedAt,
    backlog: async () => (await bus.stats()).streams.reduce((sum, s) => sum + s.depth - s.pending, 0),
    stop: async () => {
      stopped = true;
      await running;
      await waitFor(() => free === SLOTS, 5_000).catch(() => undefined);
      await bus.close();
    },
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("a job was not claimed in time");
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Submits one job and answers how long it took until a node claimed it. */
async function waitOf(who: Tenant, claimedAt: Map<string, number>): Promise<number> {
  const started = performance.now();
  const id = await who.submit();
  await waitFor(() => claimedAt.has(id));
  return claimedAt.get(id)! - started;
}

export async function run(): Promise<BenchResult[]> {
  const server = await startScaledOutServer({
    ATELIER_EMBEDDED_WORKER: "false",
    ATELIER_ORG_MAX_LIVE_JOBS: "100000",
  });
  const node = startNode(server.prefix);
  try {
    const [flooder, other] = await Promise.all([tenant(server.url, "Flooder"), tenant(server.url, "Other")]);
    for (let i = 0; i < 5; i++) await waitOf(other, node.claimedAt); // warm-up

    const idle: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      idle.push(await waitOf(other, node.claimedAt));
      await new Promise((r) => setTimeout(r, JOB_MS * 2));
    }

    const flooded: number[] = [];
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < FLOOD) {
          next += 1;
          ids.push(await flooder.submit());
        }
      }),
    );
    const backlogAtStart = await node.backlog();
    while (flooded.length < SAMPLES && (await node.backlog()) > SLOTS * 4) {
      flooded.push(await waitOf(other, node.claimedAt));
      await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
    }
    await waitFor(() => ids.every((id) => node.claimedAt.has(id)), 120_000);
    console.error(
      `   ${flooded.length} waits measured behind a backlog of ${backlogAtStart} jobs (${FLOOD} submitted), ${SLOTS} slots × ${JOB_MS} ms`,
    );
    idle.sort((a, b) => a - b);
    flooded.sort((a, b) => a - b);
    return [
      {
        name: "fair_share_wait_p50",
        value: percentile(flooded, 50),
        unit: "ms",
        baseline: percentile(idle, 50),
      },
      {
        name: "fair_share_wait_p99",
        value: percentile(flooded, 99),
        unit: "ms",
        baseline: percentile(idle, 99),
      },
    ];
  } finally {
    await node.stop();
    await server.stop();
  }
}

await runIfMain(import.meta.url, run);

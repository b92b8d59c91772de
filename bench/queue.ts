/**
 * Enqueue → claim → ack throughput of no-op jobs: RedisStreamsBus against BullMQ (Queue +
 * Worker) with the same concurrency, on the same Redis, in the same run. Each side starts its
 * consumer, enqueues JOBS jobs in chunks and stops the clock when the last one is acked; the
 * consumer claims up to CONCURRENCY jobs at once and acks them in one pipelined call.
 * Run alone: `npx tsx bench/queue.ts`.
 */
import { randomBytes } from "node:crypto";
import { type BusMessage, RedisStreamsBus } from "@atelier/bus";
import { createLogger } from "@atelier/shared";
import { Queue, Worker } from "bullmq";
import { BENCH_REDIS_URL as REDIS_URL, deleteRedisKeys } from "./support/redisKeys.ts";
import { type BenchResult, runIfMain } from "./result.ts";
const JOBS = 20_000;
const CONCURRENCY = 50;
const CHUNK = 1000;

async function busSeconds(): Promise<number> {
  const prefix = `bench-bus-${randomBytes(4).toString("hex")}`;
  const bus = RedisStreamsBus.create({ redisUrl: REDIS_URL, prefix, logger: createLogger("bus", "silent") });
  try {
    const started = performance.now();
    let done = 0;
    const consuming = (async () => {
      while (done < JOBS) {
        const deliveries = await bus.claim({
          consumer: "bench",
          freeVramMb: 0,
          max: CONCURRENCY,
          blockMs: 1000,
        });
        await Promise.all(deliveries.map(() => Promise.resolve()));
        await bus.ackMany(deliveries);
        done += deliveries.length;
      }
    })();
    for (let from = 0; from < JOBS; from += CHUNK) {
      const chunk: BusMessage[] = [];
      for (let i = from; i < Math.min(JOBS, from + CHUNK); i++) {
        chunk.push({ jobId: `job-${i}`, attempt: 1, priority: "standard", vramMb: 0, projectId: "bench" });
      }
      await bus.publishMany(chunk);
    }
    await consuming;
    return (performance.now() - started) / 1000;
  } finally {
    await bus.close();
    await deleteRedisKeys(`${prefix}:`);
  }
}

async function bullmqSeconds(): Promise<number> {
  const prefix = `bench-bull-${randomBytes(4).toString("hex")}`;
  const url = new URL(REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  const queue = new Queue("bench", { connection, prefix });
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const worker = new Worker("bench", async () => {}, {
    connection,
    prefix,
    concurrency: CONCURRENCY,
    autorun: false,
  });
  worker.on("completed", () => {
    done += 1;
    if (done === JOBS) finish();
  });
  try {
    await worker.waitUntilReady();
    await queue.waitUntilReady();
    const started = performance.now();
    void worker.run();
    for (let from = 0; from < JOBS; from += CHUNK) {
      const chunk = [];
      for (let i = from; i < Math.min(JOBS, from + CHUNK); i++) {
        chunk.push({ name: "noop", data: { jobId: `job-${i}` }, opts: { removeOnComplete: true } });
      }
      await queue.addBulk(chunk);
    }
    await finished;
    return (performance.now() - started) / 1000;
  } finally {
    await worker.close();
    await queue.close();
    await deleteRedisKeys(`${prefix}:`);
  }
}

/** Runs in A-B-B-A order and rates the total time, so load from other processes drifting during the run hits both alike. */
export async function run(): Promise<BenchResult[]> {
  let bull = await bullmqSeconds();
  const bus = (await busSeconds()) + (await busSeconds());
  bull += await bullmqSeconds();
  const rate = (seconds: number) => Math.round((2 * JOBS) / seconds);
  return [{ name: "queue_throughput", value: rate(bus), unit: "jobs/s", baseline: rate(bull) }];
}

await runIfMain(import.meta.url, run);

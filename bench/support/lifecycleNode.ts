/**
 * The consuming side of bench/lifecycle.ts, in a process of its own (forked with IPC): a bare
 * Atelier node that claims and acks (so the figure is the platform's way in, not a step's run time),
 * or a BullMQ worker. Each job's claim is stamped with this machine's shared clock.
 */
import { RedisStreamsBus } from "@atelier/bus";
import { createLogger } from "@atelier/shared";
import { Worker } from "bullmq";
import { serveCommands, sharedNow } from "./forked.ts";

export type NodeCommand =
  | { type: "atelier"; redisUrl: string; prefix: string }
  | { type: "bullmq"; redisUrl: string; prefix: string }
  /** Answers once every job named was claimed, or after `timeoutMs` with NaN for the rest. */
  | { type: "claimed"; ids: string[]; timeoutMs: number }
  | { type: "close" };

export type NodeReply = { type: "ready" } | { type: "claimed"; at: Float64Array };

const claimedAt = new Map<string, number>();
let close = async () => {};

function atelier(redisUrl: string, prefix: string): void {
  const node = RedisStreamsBus.create({ redisUrl, prefix, logger: createLogger("bench", "silent") });
  let stopped = false;
  const consuming = (async () => {
    while (!stopped) {
      const deliveries = await node.claim({ consumer: "bench", freeVramMb: 0, max: 100, blockMs: 200 });
      const now = sharedNow();
      for (const d of deliveries) claimedAt.set(d.message.jobId, now);
      if (deliveries.length) await node.ackMany(deliveries);
    }
  })();
  close = async () => {
    stopped = true;
    await consuming;
    await node.close();
  };
}

async function bullmq(redisUrl: string, prefix: string): Promise<void> {
  const url = new URL(redisUrl);
  const worker = new Worker(
    "bench",
    async (job) => {
      claimedAt.set(job.id!, sharedNow());
    },
    {
      connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
      prefix,
      concurrency: 100,
    },
  );
  await worker.waitUntilReady();
  close = () => worker.close();
}

async function claimed(ids: string[], timeoutMs: number): Promise<NodeReply> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !ids.every((id) => claimedAt.has(id))) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return { type: "claimed", at: Float64Array.from(ids, (id) => claimedAt.get(id) ?? Number.NaN) };
}

serveCommands<NodeCommand, NodeReply>(async (command) => {
  switch (command.type) {
    case "atelier":
      atelier(command.redisUrl, command.prefix);
      return { type: "ready" };
    case "bullmq":
      await bullmq(command.redisUrl, command.prefix);
      return { type: "ready" };
    case "claimed":
      return claimed(command.ids, command.timeoutMs);
    case "close":
      await close();
      process.exit(0);
  }
});

/**
 * The publisher for bench/fanout.ts, in a process of its own: `job.progress` events at a steady rate
 * (open loop: a late answer does not delay the next), each stamped with its send time in its job id
 * (`bench-<ms since the epoch>`; the event protocol has no field for it). Into a project's stream on
 * Redis, as the job engine appends them, or to bare relays as ready-made tRPC data frames.
 * Arguments: one JSON object (see PublisherArgs); prints "done" when the last event went out.
 */
import { once } from "node:events";
import { RedisStreamsBus } from "@atelier/bus";
import { createLogger } from "@atelier/shared";
import { WebSocket } from "ws";
import { sharedNow } from "./forked.ts";

export interface PublisherArgs {
  rate: number;
  seconds: number;
  /** Seconds of warm-up events first (job id `warm-…`, not counted). */
  warmupSeconds: number;
  target:
    | { kind: "bus"; redisUrl: string; prefix: string; projectId: string }
    | { kind: "relay"; urls: string[] };
}

const args = JSON.parse(process.argv[2]!) as PublisherArgs;

let publish: (jobId: string, fraction: number) => void;
let close: () => Promise<void>;
if (args.target.kind === "bus") {
  const { projectId } = args.target;
  const bus = RedisStreamsBus.create({
    redisUrl: args.target.redisUrl,
    prefix: args.target.prefix,
    logger: createLogger("bench-publisher", "silent"),
  });
  publish = (jobId, fraction) => {
    void bus.appendEvent(projectId, {
      type: "job.progress",
      jobId,
      index: 0,
      step: "resize",
      fraction,
      overall: fraction,
    });
  };
  close = () => bus.close();
} else {
  const relays = await Promise.all(
    args.target.urls.map(async (url) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      await once(ws, "open");
      return ws;
    }),
  );
  let n = 0;
  publish = (jobId, fraction) => {
    // The frame a tRPC subscriber gets for the same event, so both sides carry the same bytes.
    const id = `${Date.now()}-${n++}`;
    const event = {
      v: 1,
      type: "job.progress",
      jobId,
      index: 0,
      step: "resize",
      fraction,
      overall: fraction,
    };
    const frame = JSON.stringify({ id: 1, result: { type: "data", id, data: { id, data: event } } });
    for (const ws of relays) ws.send(frame);
  };
  close = async () => {
    for (const ws of relays) ws.close();
  };
}

async function atRate(seconds: number, label: (sentAt: number) => string): Promise<void> {
  const total = Math.round(args.rate * seconds);
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / args.rate - performance.now();
    if (wait > 0.5) await new Promise((r) => setTimeout(r, wait));
    const sentAt = sharedNow();
    publish(label(sentAt), i / total);
  }
}

await atRate(args.warmupSeconds, () => "warm-up");
await new Promise((r) => setTimeout(r, 500));
await atRate(args.seconds, (sentAt) => `bench-${sentAt}`);
await new Promise((r) => setTimeout(r, 200));
await close();
console.log("done");
process.exit(0);

/**
 * Subscribers for bench/fanout.ts, in a process of their own (forked with IPC): WebSocket clients
 * written from tRPC's wire format (a `subscription` call per socket, `PONG` to the server's `PING`),
 * or plain sockets of the bare relay. Each message carrying `"jobId":"bench-<sentAt>"` counts as
 * delivered, its latency taken against this machine's shared clock.
 */
import { once } from "node:events";
import { WebSocket } from "ws";
import { type FailedReply, sharedNow } from "./forked.ts";

export type SubscribersCommand =
  | {
      type: "open";
      /** Sockets go round-robin over these URLs (several server processes). */
      urls: string[];
      count: number;
      headers: Record<string, string>;
      /** tRPC: subscribe to this project's events on every socket; absent for the bare relay. */
      projectId?: string;
    }
  | { type: "reset" }
  | { type: "report" }
  | { type: "close" };

export type SubscribersReply =
  | { type: "ready" }
  | FailedReply
  | { type: "report"; delivered: number; latencies: Float64Array };

const MARK = Buffer.from('"jobId":"bench-');
const QUOTE = 0x22;

let sockets: WebSocket[] = [];
let latencies = new Float64Array(1 << 20);
let delivered = 0;

function onFrame(data: Buffer): void {
  const at = data.indexOf(MARK);
  if (at < 0) return;
  const start = at + MARK.length;
  const end = data.indexOf(QUOTE, start);
  const sentAt = Number(data.toString("latin1", start, end));
  const latency = sharedNow() - sentAt;
  if (delivered === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[delivered++] = latency;
}

async function openOne(url: string, headers: Record<string, string>, projectId: string | undefined) {
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  let started: (() => void) | undefined;
  let refused: ((err: Error) => void) | undefined;
  const live = new Promise<void>((resolve, reject) => {
    started = resolve;
    refused = reject;
  });
  ws.on("message", (data: Buffer, isBinary) => {
    if (!isBinary && data.length === 4 && data.toString() === "PING") return void ws.send("PONG");
    // The first data frame (stream.ready) says the subscription is live.
    if (started && data.includes('"stream.ready"')) {
      started();
      started = undefined;
      return;
    }
    // A subscription the server refused (a limit, a lost session) never becomes live: said at once.
    if (started && data.includes('"error"')) {
      refused?.(new Error(`subscription refused: ${data.toString().slice(0, 300)}`));
      started = undefined;
      return;
    }
    onFrame(data);
  });
  await once(ws, "open");
  // The same call to the bare relay (which drops it), so both sides see the same traffic.
  ws.send(
    JSON.stringify({
      id: 1,
      method: "subscription",
      params: { path: "projects.events", input: { projectId } },
    }),
  );
  if (projectId === undefined) started = undefined;
  else await live;
  return ws;
}

process.on("message", async (command: SubscribersCommand) => {
  const reply = (message: SubscribersReply) => process.send!(message);
  if (command.type === "open") {
    try {
      // In batches, so the handshake burst does not distort the start.
      for (let i = 0; i < command.count; i += 50) {
        const batch = Array.from({ length: Math.min(50, command.count - i) }, (_, j) =>
          openOne(command.urls[(i + j) % command.urls.length]!, command.headers, command.projectId),
        );
        sockets.push(...(await Promise.all(batch)));
      }
      reply({ type: "ready" });
    } catch (err) {
      // Said, not swallowed: the bench would otherwise wait for "ready" forever.
      reply({ type: "failed", message: `${sockets.length} sockets open, then: ${(err as Error).message}` });
    }
  } else if (command.type === "reset") {
    delivered = 0;
  } else if (command.type === "report") {
    reply({ type: "report", delivered, latencies: latencies.slice(0, delivered) });
  } else if (command.type === "close") {
    for (const ws of sockets) ws.terminate();
    sockets = [];
    process.exit(0);
  }
});

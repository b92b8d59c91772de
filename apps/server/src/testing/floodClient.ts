/**
 * A hostile client in a process of its own (so its work does not skew the measuring process):
 * until killed, it sends 1,000-call batches over HTTP and in WebSocket frames, and 200 MB request
 * bodies, declared and chunked. Usage: floodClient.ts <server url> <cookie header> [attack...]
 * where an attack is http-batch, ws-batch, declared-body or chunked-body (default: all of them).
 * Prints how many times each attack was sent, as a JSON line, twice a second.
 */
import { connect, type Socket } from "node:net";
import { WebSocket } from "ws";

const [baseUrl, cookie, ...only] = process.argv.slice(2) as [string, string, ...string[]];
const target = new URL(baseUrl);
const CALLS = 1000;
const HUGE = 200 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 0x20);

const sent: Record<string, number> = {};

async function forever(name: string, work: () => Promise<unknown>): Promise<never> {
  for (;;) {
    await work().catch(() => undefined);
    sent[name] = (sent[name] ?? 0) + 1;
  }
}

setInterval(() => process.stdout.write(`${JSON.stringify(sent)}\n`), 500);

function httpBatch(): Promise<unknown> {
  const paths = Array.from({ length: CALLS }, () => "auth.me").join(",");
  const input = JSON.stringify(Object.fromEntries(Array.from({ length: CALLS }, (_, i) => [i, null])));
  return fetch(`${baseUrl}/trpc/${paths}?batch=1&input=${encodeURIComponent(input)}`, {
    headers: { cookie },
  }).then((r) => r.arrayBuffer());
}

function wsBatches(): Promise<unknown> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/trpc`, { headers: { cookie } });
    const frame = JSON.stringify(
      Array.from({ length: CALLS }, (_, i) => ({ id: i + 1, method: "query", params: { path: "auth.me" } })),
    );
    ws.on("open", () => {
      const timer = setInterval(() => ws.send(frame), 5);
      ws.on("close", () => clearInterval(timer));
    });
    ws.on("close", resolve);
    ws.on("error", resolve);
  });
}

/** Sends up to 200 MB as fast as the server takes it; resolves when the server closes the connection. */
function hugeBody(chunked: boolean): Promise<unknown> {
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(target.port), target.hostname);
    let sent = 0;
    const pump = () => {
      while (sent < HUGE && !socket.destroyed) {
        const data = chunked
          ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from("\r\n")])
          : CHUNK;
        sent += CHUNK.length;
        if (!socket.write(data)) return void socket.once("drain", pump);
      }
    };
    socket.on("connect", () => {
      const length = chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${HUGE}`;
      socket.write(
        `POST /trpc/auth.signIn HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n${length}\r\n\r\n`,
      );
      pump();
    });
    socket.on("data", () => undefined);
    socket.on("close", resolve);
    socket.on("error", () => socket.destroy());
  });
}

const attacks: Record<string, Array<() => Promise<unknown>>> = {
  "http-batch": [httpBatch, httpBatch],
  "ws-batch": [wsBatches],
  "declared-body": [() => hugeBody(false)],
  "chunked-body": [() => hugeBody(true)],
};
for (const [name, runs] of Object.entries(attacks)) {
  if (only.length === 0 || only.includes(name)) for (const run of runs) void forever(name, run);
}

/**
 * Fan-out: one job publishing 50 progress events a second to 500 WebSocket subscribers of one project,
 * through the real path (bus → the server's one reader per project → tRPC subscriptions over `ws`),
 * beside a bare `ws` broadcast of the same messages to the same number of sockets in the same process.
 * Run alone: `npx tsx bench/fanout.ts`.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { signUpWithProject } from "../apps/server/src/testing/fixtures.ts";
import { startTestApp } from "../apps/server/src/testing/testApp.ts";
import { WebSocket, WebSocketServer } from "ws";
import { type BenchResult, percentile, runIfMain } from "./result.ts";

const SUBSCRIBERS = 500;
const RATE_PER_SEC = 50;
const SECONDS = 8;
const EVENTS = RATE_PER_SEC * SECONDS;

interface Measure {
  latencies: number[];
  delivered: number;
}

/** Opens sockets in batches so the handshake burst does not distort the start. */
async function openSockets(
  count: number,
  open: () => WebSocket,
  onMessage: (raw: string) => void,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, () => {
      const ws = open();
      ws.on("message", (data) => {
        const raw = data.toString();
        // tRPC's keep-alive: answer as its client would.
        if (raw === "PING") return void ws.send("PONG");
        onMessage(raw);
      });
      return once(ws, "open").then(() => ws);
    });
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

async function publishAtRate(publish: (i: number) => Promise<void> | void): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const due = start + (i * 1000) / RATE_PER_SEC;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await publish(i);
  }
  await new Promise((r) => setTimeout(r, 1000));
}

async function throughAtelier(): Promise<Measure> {
  const app = await startTestApp({ bus: "redis", env: { LOG_LEVEL: "silent" } });
  try {
    const owner = app.client();
    const { project } = await signUpWithProject(owner, "Bench");
    const measure: Measure = { latencies: [], delivered: 0 };
    const url = `${app.url.replace("http", "ws")}/trpc`;
    const sockets = await openSockets(
      SUBSCRIBERS,
      () => new WebSocket(url, { headers: owner.headers(), perMessageDeflate: false }),
      (raw) => {
        // A tracked event arrives as { result: { type: "data", id, data: { id, data: event } } }.
        // The event protocol has no field for a timestamp: the send time rides in the job id.
        const msg = JSON.parse(raw) as { result?: { type: string; data?: { data?: { jobId?: string } } } };
        const jobId = msg.result?.type === "data" ? msg.result.data?.data?.jobId : undefined;
        if (!jobId?.startsWith("bench-")) return;
        const sentAt = Number(jobId.slice("bench-".length));
        measure.delivered++;
        measure.latencies.push(performance.timeOrigin + performance.now() - sentAt);
      },
    );
    for (const ws of sockets) {
      ws.send(
        JSON.stringify({
          id: 1,
          method: "subscription",
          params: { path: "projects.events", input: { projectId: project.id } },
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
    await publishAtRate(async (i) => {
      await app.services.bus.appendEvent(project.id, {
        type: "job.progress",
        jobId: `bench-${performance.timeOrigin + performance.now()}`,
        index: 0,
        step: "resize",
        fraction: i / EVENTS,
        overall: i / EVENTS,
      });
    });
    for (const ws of sockets) ws.terminate();
    return measure;
  } finally {
    await app.close();
  }
}

async function bareBroadcast(): Promise<Measure> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const measure: Measure = { latencies: [], delivered: 0 };
  const sockets = await openSockets(
    SUBSCRIBERS,
    () => new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false }),
    (raw) => {
      const msg = JSON.parse(raw) as { sentAt: number };
      measure.delivered++;
      measure.latencies.push(performance.timeOrigin + performance.now() - msg.sentAt);
    },
  );
  await publishAtRate((i) => {
    const body = JSON.stringify({
      type: "job.progress",
      jobId: "bench",
      index: 0,
      step: "resize",
      fraction: i / EVENTS,
      overall: i / EVENTS,
      sentAt: performance.timeOrigin + performance.now(),
    });
    for (const client of wss.clients) client.send(body);
  });
  for (const ws of sockets) ws.terminate();
  wss.close();
  server.close();
  return measure;
}

export async function run(): Promise<BenchResult[]> {
  const bare = await bareBroadcast();
  const atelier = await throughAtelier();
  const expected = SUBSCRIBERS * EVENTS;
  const p99 = (m: Measure) =>
    percentile(
      [...m.latencies].sort((a, b) => a - b),
      99,
    );
  return [
    {
      name: "fanout_delivered",
      value: (100 * atelier.delivered) / expected,
      unit: "%",
      baseline: (100 * bare.delivered) / expected,
    },
    { name: "fanout_p99_latency", value: p99(atelier), unit: "ms", baseline: p99(bare) },
  ];
}

await runIfMain(import.meta.url, run);

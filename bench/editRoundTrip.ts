/**
 * An edit's round trip between two people in one live session of 20: one client sends
 * `documents.edit` over HTTP (as the editor does), the server applies it in order in a
 * Postgres transaction and broadcasts it through Redis, and every other client receives the
 * `document.op` event on its `projects.events` WebSocket subscription. 20 edits a second in
 * all (each person once a second), round robin, for SECONDS.
 * The server runs as its own process with Postgres and Redis, as deployed; this process is the 20 people.
 * Baseline, same run: a bare `ws` relay process forwarding the same messages from sender to the others.
 * Run alone: `npx tsx bench/editRoundTrip.ts`.
 */
import { once } from "node:events";
import { WebSocket } from "ws";
import { fixture, signUp, signUpWithProject, upload } from "../apps/server/src/testing/fixtures.ts";
import { createClient, type TestClient } from "../apps/server/src/testing/testApp.ts";
import { startScaledOutServer } from "./support/scaledOutServer.ts";
import { type BenchResult, percentile, runIfMain } from "./result.ts";
import { startWsRelay } from "./support/wsRelay.ts";

const PEOPLE = 20;
const EDITS_PER_SEC = 20;
const SECONDS = 10;
const EDITS = EDITS_PER_SEC * SECONDS;

/** Sends edit i; every client calls `received(i)` when that edit reaches it. */
interface Session {
  send(i: number): Promise<void>;
  close(): Promise<void>;
}

async function measure(open: (received: (client: number, edit: number) => void) => Promise<Session>) {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const session = await open((client, edit) => {
    const t0 = sentAt.get(edit);
    // The sender's own echo is not a round trip between two people.
    if (t0 !== undefined && client !== edit % PEOPLE) latencies.push(performance.now() - t0);
  });
  const start = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < EDITS; i++) {
    const wait = start + (i * 1000) / EDITS_PER_SEC - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sentAt.set(i, performance.now());
    sends.push(session.send(i));
  }
  await Promise.all(sends);
  const expected = EDITS * (PEOPLE - 1);
  const deadline = Date.now() + 10_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await session.close();
  return { sorted: latencies.sort((a, b) => a - b), delivered: latencies.length / expected };
}

async function atelierSession(received: (client: number, edit: number) => void): Promise<Session> {
  const server = await startScaledOutServer();
  const owner = createClient(server.url);
  const { org, project } = await signUpWithProject(owner, "Owner");
  const asset = await upload(owner, project.id, "coffee.png", fixture("coffee.png"));
  const clients: TestClient[] = [owner];
  for (let i = 1; i < PEOPLE; i++) {
    const client = createClient(server.url);
    const user = await signUp(client, `Person${i}`);
    await owner.trpc.orgs.addMember.mutate({ orgId: org.id, email: user.email, role: "member" });
    clients.push(client);
  }
  const subscriptions = await Promise.all(
    clients.map(
      (client, index) =>
        new Promise<{ unsubscribe(): void }>((resolve) => {
          const sub = client.trpc.projects.events.subscribe(
            { projectId: project.id },
            {
              onData: ({ data }) => {
                if (data.type === "stream.ready") resolve(sub);
                if (data.type === "document.op") received(index, Number(data.clientOpId.slice(5)));
              },
            },
          );
        }),
    ),
  );
  let revision = (await owner.trpc.documents.get.query({ assetId: asset.id })).revision;
  return {
    send: async (i) => {
      const result = await clients[i % PEOPLE]!.trpc.documents.edit.mutate({
        assetId: asset.id,
        baseRevision: revision,
        clientOpId: `edit-${String(i).padStart(6, "0")}`,
        ops: [{ kind: "set", path: ["adjustments", "brightness"], value: (i % 50) / 100 }],
      });
      revision = Math.max(revision, result.revision);
    },
    close: async () => {
      for (const sub of subscriptions) sub.unsubscribe();
      for (const client of clients) client.closeWs();
      await server.stop();
    },
  };
}

async function bareRelay(received: (client: number, edit: number) => void): Promise<Session> {
  const relay = await startWsRelay();
  const sockets = await Promise.all(
    Array.from({ length: PEOPLE }, async (_, index) => {
      const ws = new WebSocket(relay.url, { perMessageDeflate: false });
      ws.on("message", (raw) => received(index, (JSON.parse(raw.toString()) as { edit: number }).edit));
      await once(ws, "open");
      return ws;
    }),
  );
  return {
    send: async (i) => {
      sockets[i % PEOPLE]!.send(JSON.stringify({ edit: i, ops: [{ kind: "set", value: (i % 50) / 100 }] }));
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await relay.stop();
    },
  };
}

export async function run(): Promise<BenchResult[]> {
  const bare = await measure(bareRelay);
  const ours = await measure(atelierSession);
  return [
    {
      name: "edit_roundtrip_p50",
      value: percentile(ours.sorted, 50),
      unit: "ms",
      baseline: percentile(bare.sorted, 50),
    },
    {
      name: "edit_roundtrip_p99",
      value: percentile(ours.sorted, 99),
      unit: "ms",
      baseline: percentile(bare.sorted, 99),
    },
    {
      name: "edit_roundtrip_delivered",
      value: 100 * ours.delivered,
      unit: "%",
      baseline: 100 * bare.delivered,
    },
  ];
}

await runIfMain(import.meta.url, run);

import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { InProcessBus } from "@atelier/bus";
import { createLogger, type PresenceEvent, type ProjectEvent } from "@atelier/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { signUpWithProject } from "../testing/fixtures.ts";
import { createClient, startTestApp, type TestApp } from "../testing/testApp.ts";
import { LiveFanout } from "./LiveFanout.ts";

type Received = { id: string; data: ProjectEvent };

async function until(check: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const progress = (jobId: string, fraction = 0.5) => ({
  type: "job.progress" as const,
  jobId,
  index: 0,
  step: "resize",
  fraction,
  overall: fraction,
});

describe("live events and presence over the WebSocket (Redis bus)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ bus: "redis" });
  });
  afterAll(() => app.close());

  it("writes tracked events in tRPC's frame shape, each subscription under its own call id", async () => {
    const owner = app.client();
    const { project } = await signUpWithProject(owner, "Frames");
    const ws = new WebSocket(`${app.url.replace("http", "ws")}/trpc`, { headers: owner.headers() });
    const frames: unknown[] = [];
    ws.on("message", (data) => frames.push(JSON.parse(data.toString())));
    await once(ws, "open");
    const input = { projectId: project.id };
    ws.send(
      JSON.stringify([
        { id: 7, method: "subscription", params: { path: "projects.events", input } },
        { id: "b", jsonrpc: "2.0", method: "subscription", params: { path: "projects.events", input } },
      ]),
    );
    await until(() => frames.length >= 4);
    const eventId = await app.services.bus.appendEvent(project.id, progress("frame-job"));
    await until(() => frames.length >= 6);
    const data = { v: 1, ...progress("frame-job") };
    expect(frames).toContainEqual({
      id: 7,
      result: { type: "data", id: eventId, data: { id: eventId, data } },
    });
    expect(frames).toContainEqual({
      id: "b",
      jsonrpc: "2.0",
      result: { type: "data", id: eventId, data: { id: eventId, data } },
    });
    expect(app.services.live.stats().subscriptions).toBe(2);
    ws.send(JSON.stringify({ id: 7, method: "subscription.stop" }));
    await until(() => frames.some((f) => JSON.stringify(f) === '{"id":7,"result":{"type":"stopped"}}'));
    ws.close();
    await until(() => app.services.live.stats().subscriptions === 0);
  });

  it("tells a tab that resumes from a trimmed id to resync, then goes on live", async () => {
    const owner = app.client();
    const { project } = await signUpWithProject(owner, "Trimmed");
    const { bus } = app.services;
    const early = await bus.appendEvent(project.id, progress("early"));
    // The stream keeps about 10,000 events; Redis trims whole nodes of 100.
    for (let batch = 0; batch < 21; batch++) {
      await Promise.all(
        Array.from({ length: 500 }, (_, i) => bus.appendEvent(project.id, progress(`j${batch}-${i}`))),
      );
    }
    const newest = await bus.lastEventId(project.id);

    const received: Received[] = [];
    const sub = owner.trpc.projects.events.subscribe(
      { projectId: project.id, lastEventId: early },
      { onData: (e) => received.push(e) },
    );
    await until(() => received.length >= 1);
    await bus.appendEvent(project.id, progress("after"));
    await until(() => received.length >= 2);
    sub.unsubscribe();
    expect(received[0]).toEqual({ id: newest, data: { v: 1, type: "resync" } });
    expect(received[1]!.data).toMatchObject({ type: "job.progress", jobId: "after" });
    expect(received).toHaveLength(2);
  });

  it("shows presence on presence.watch, never in the project's durable stream", async () => {
    const ada = app.client();
    const { project } = await signUpWithProject(ada, "Presence");
    const watcher = createClient(app.url, { jar: ada.jar });
    const heard: PresenceEvent[] = [];
    const events: Received[] = [];
    const watch = watcher.trpc.presence.watch.subscribe(
      { projectId: project.id },
      { onData: (e) => heard.push(e) },
    );
    const stream = watcher.trpc.projects.events.subscribe(
      { projectId: project.id },
      { onData: (e) => events.push(e) },
    );
    await until(() => events.length === 1 && app.services.live.stats().subscriptions === 2);
    await ada.trpc.presence.update.mutate({
      projectId: project.id,
      cursor: { x: 0.25, y: 0.75 },
      selectedAssetId: null,
      selection: null,
    });
    await ada.trpc.presence.leave.mutate({ projectId: project.id });
    await until(() => heard.length === 2);
    expect(heard[0]).toMatchObject({ v: 1, type: "presence", cursor: { x: 0.25, y: 0.75 } });
    expect(heard[1]).toMatchObject({ v: 1, type: "presence.left" });
    expect(events.map((e) => e.data.type)).toEqual(["stream.ready"]);
    expect(await app.services.bus.readEvents(project.id)).toEqual([]);
    watch.unsubscribe();
    stream.unsubscribe();
  });
});

describe("a socket that cannot keep up", () => {
  it("holds at most the limit for it, reads the rest from the stream once it drained, and drops presence", async () => {
    const bus = new InProcessBus({ logger: createLogger("bus", "silent") });
    const limits = {
      presenceMaxBuffered: 16 * 1024,
      eventsMaxBuffered: 256 * 1024,
      eventsResumeBuffered: 64 * 1024,
      drainCheckMs: 20,
    };
    const live = new LiveFanout(bus, createLogger("live", "silent"), limits);
    const server = createServer();
    const wss = new WebSocketServer({ server, perMessageDeflate: false });
    let peakBuffered = 0;
    const ended = new AbortController();
    wss.on("connection", (socket) => {
      const sample = setInterval(() => {
        peakBuffered = Math.max(peakBuffered, socket.bufferedAmount);
      }, 1);
      ended.signal.addEventListener("abort", () => clearInterval(sample));
      void live.serveEvents({
        socket,
        call: { id: 1 },
        stream: "p",
        lastEventId: "0-0",
        signal: ended.signal,
      });
      void live.servePresence({ socket, call: { id: 2 }, projectId: "p", signal: ended.signal });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const ids: string[] = [];
    let presenceFrames = 0;
    client.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as { id: number; result: { id?: string } };
      if (frame.id === 1 && frame.result.id) ids.push(frame.result.id);
      if (frame.id === 2) presenceFrames++;
    });
    await once(client, "open");
    await until(() => live.stats().subscriptions === 2);
    // The reader stops reading: the kernel's buffers fill, then the server's.
    client.pause();
    const preview = "A".repeat(80_000);
    const written: string[] = [];
    for (let i = 0; i < 400; i++) {
      written.push(
        await bus.appendEvent("p", {
          type: "job.preview",
          jobId: `j${i}`,
          index: 0,
          step: "s",
          width: 1,
          height: 1,
          webpBase64: preview,
        }),
      );
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    for (let i = 0; i < 50; i++) await bus.publishPresence("p", { type: "presence.left", userId: `u${i}` });
    await new Promise((r) => setTimeout(r, 50));
    expect(live.stats().lagged).toBeGreaterThan(0);
    expect(live.stats().presenceDropped).toBeGreaterThan(0);
    client.resume();
    await until(() => ids.length >= written.length, 30_000);
    expect(ids).toEqual(written);
    expect(presenceFrames).toBeLessThan(50);
    // Never more than the limit and one frame.
    expect(peakBuffered).toBeLessThan(limits.eventsMaxBuffered + 100_000);
    ended.abort();
    client.close();
    wss.close();
    server.close();
    await bus.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { ProjectEvent } from "@atelier/shared";
import { fixture, signUpWithProject, upload } from "../testing/fixtures.ts";
import { createClient, startTestApp, type TestApp } from "../testing/testApp.ts";

type Received = { id: string; data: ProjectEvent };

function collect(client: ReturnType<TestApp["client"]>, projectId: string, lastEventId?: string) {
  const events: Received[] = [];
  let readyId: string | undefined;
  const sub = client.trpc.projects.events.subscribe(
    { projectId, lastEventId },
    {
      onData: (e) => {
        const received = e as unknown as Received;
        if (received.data.type === "stream.ready") readyId = received.id;
        else events.push(received);
      },
    },
  );
  return { events, readyId: () => readyId, stop: () => sub.unsubscribe() };
}

async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(["in-process", "redis"] as const)("live project events over the WebSocket, %s bus", (bus) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ bus });
  });
  afterAll(() => app.close());

  it("shows a second tab an upload as it happens, and replays what a reconnecting tab missed", async () => {
    const tabA = app.client();
    const { project } = await signUpWithProject(tabA, "Live");
    const tabB = createClient(app.url, { jar: tabA.jar }); // same browser, same session
    const b = collect(tabB, project.id);
    await until(() => b.readyId() !== undefined);

    const asset = await upload(tabA, project.id, "chelsea.png", fixture("chelsea.png"));
    await until(() => b.events.some((e) => e.data.type === "asset.ready"));
    expect(b.events.map((e) => e.data.type)).toEqual(["asset.added", "asset.ready"]);
    expect(b.events[1]!.data).toMatchObject({ asset: { id: asset.id, width: 451, height: 300 } });

    const lastSeen = b.events.at(-1)!.id;
    b.stop();
    await upload(tabA, project.id, "coffee.png", fixture("coffee.png"));
    const resumed = collect(tabB, project.id, lastSeen);
    await until(() => resumed.events.length >= 2);
    expect(resumed.events.map((e) => e.data.type)).toEqual(["asset.added", "asset.ready"]);
    expect(resumed.events[0]!.data).toMatchObject({ asset: { filename: "coffee.png" } });
    resumed.stop();
  });

  it("gives a tab that has seen no event yet an id to resume from", async () => {
    const tab = app.client();
    const { project } = await signUpWithProject(tab, "Quiet");
    const first = collect(tab, project.id);
    await until(() => first.readyId() !== undefined);
    first.stop();
    await upload(tab, project.id, "chelsea.png", fixture("chelsea.png"));
    const resumed = collect(tab, project.id, first.readyId());
    await until(() => resumed.events.length >= 2);
    expect(resumed.events.map((e) => e.data.type)).toEqual(["asset.added", "asset.ready"]);
    resumed.stop();
  });

  it("refuses a WebSocket upgrade without a session or from a foreign origin", async () => {
    const client = app.client();
    await signUpWithProject(client, "Guard");
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${app.url.replace("http", "ws")}/trpc`, { headers });
        ws.on("open", () => {
          ws.close();
          resolve(101);
        });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("error", () => {});
      });
    expect(await status({})).toBe(401);
    expect(await status({ ...client.headers(), origin: "https://evil.example" })).toBe(403);
    expect(await status({ ...client.headers(), origin: new URL(app.url).origin })).toBe(101);
    // DNS rebinding: a page of rebind.example whose name now points here sends Host and Origin alike.
    expect(
      await status({
        ...client.headers(),
        origin: "http://rebind.example:8080",
        host: "rebind.example:8080",
      }),
    ).toBe(403);
  });
});

import type { ProjectEvent } from "@atelier/shared";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUp, signUpWithProject, upload } from "../testing/fixtures.ts";
import { createClient, startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

interface Watched {
  events: ProjectEvent[];
  /** Resolves with the error code the subscription ended with. */
  ended: Promise<string>;
  endedAt(): number | undefined;
  stop(): void;
}

/** A live projects.events subscription (or the person's own stream), confirmed live before this resolves. */
async function watch(client: TestClient, projectId: string | "mine"): Promise<Watched> {
  const events: ProjectEvent[] = [];
  let endedAt: number | undefined;
  let live: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    live = resolve;
  });
  let sub: { unsubscribe(): void } | undefined;
  const ended = new Promise<string>((resolve) => {
    const handlers = {
      onData: (e: { data: ProjectEvent }) => {
        events.push(e.data);
        live();
      },
      onError: (err: unknown) => {
        endedAt = Date.now();
        resolve(err instanceof TRPCClientError ? String(err.data?.code) : String(err));
      },
    };
    sub =
      projectId === "mine"
        ? client.trpc.orgs.myEvents.subscribe({}, handlers)
        : client.trpc.projects.events.subscribe({ projectId }, handlers);
  });
  await started;
  return { events, ended, endedAt: () => endedAt, stop: () => sub?.unsubscribe() };
}

const codeOf = (err: unknown) => (err instanceof TRPCClientError ? err.data?.code : String(err));

describe.each([
  ["one embedded server", false],
  ["two servers on Postgres and Redis, the change made on the other one", true],
] as const)("revocation with %s", (_name, scaledOut) => {
  let first: TestApp;
  let second: TestApp;
  let owner: TestClient;
  let orgId: string;
  let projectId: string;
  let assetId: string;

  /** The server people's sockets are on; changes are made through `first`. */
  const sockets = () => (scaledOut ? second : first);

  beforeAll(async () => {
    first = await startTestApp(scaledOut ? { database: "postgres", bus: "redis" } : {});
    second = scaledOut
      ? await startTestApp({
          env: {
            DATABASE_URL: first.services.config.databaseUrl!,
            REDIS_URL: first.services.config.redisUrl!,
            REDIS_PREFIX: first.services.config.redisPrefix,
            // One storage folder for both: a server refuses to join one with local files elsewhere.
            ATELIER_DATA_DIR: first.services.config.dataDir,
          },
        })
      : first;
    owner = first.client();
    const setup = await signUpWithProject(owner, "Owner");
    orgId = setup.org.id;
    projectId = setup.project.id;
    assetId = (await upload(owner, projectId, "coffee.png", fixture("coffee.png"))).id;
  });
  afterAll(async () => {
    if (second !== first) await second?.close();
    await first?.close();
  });

  it("ends calls and subscriptions on an open socket within a second of signing out", async () => {
    const http = first.client();
    await signUp(http, "Leaver");
    await http.trpc.orgs.create.mutate({ name: "Leaver's" });
    const own = await http.trpc.orgs.list.query();
    const project = await http.trpc.projects.create.mutate({ orgId: own[0]!.id, name: "P" });
    const socket = createClient(sockets().url, { jar: new Map(http.jar), overWebSocket: true });
    await expect(socket.trpc.orgs.list.query()).resolves.toHaveLength(1);
    const live = await watch(socket, project.id);
    const personal = await watch(socket, "mine");

    const signedOutAt = Date.now();
    await http.trpc.auth.signOut.mutate();
    expect(await live.ended).toBe("UNAUTHORIZED");
    expect(live.endedAt()! - signedOutAt).toBeLessThan(1000);
    expect(await personal.ended).toBe("UNAUTHORIZED");
    expect(await socket.trpc.orgs.list.query().catch(codeOf)).toBe("UNAUTHORIZED");
    expect(socket.socketsOpened()).toBe(1);
  });

  it("ends calls and subscriptions of a revoked API key on its open socket", async () => {
    const key = await owner.trpc.auth.createApiKey.mutate({ name: "ci", scopes: ["read", "write"] });
    const socket = createClient(sockets().url, { apiKey: key.key, overWebSocket: true });
    await expect(socket.trpc.projects.create.mutate({ orgId, name: "by key" })).resolves.toBeTruthy();
    const live = await watch(socket, projectId);

    const revokedAt = Date.now();
    await owner.trpc.auth.revokeApiKey.mutate({ apiKeyId: key.id });
    expect(await live.ended).toBe("UNAUTHORIZED");
    expect(live.endedAt()! - revokedAt).toBeLessThan(1000);
    expect(await socket.trpc.projects.create.mutate({ orgId, name: "after" }).catch(codeOf)).toBe(
      "UNAUTHORIZED",
    );
  });

  it("stops a removed member's live events, edit ops included, within a second", async () => {
    const http = first.client();
    const member = await signUp(http, "Removed");
    await owner.trpc.orgs.addMember.mutate({ orgId, email: member.email, role: "member" });
    const socket = createClient(sockets().url, { jar: new Map(http.jar), overWebSocket: true });
    const live = await watch(socket, projectId);
    const stayer = await watch(
      createClient(sockets().url, { jar: owner.jar, overWebSocket: true }),
      projectId,
    );

    const removedAt = Date.now();
    await owner.trpc.orgs.removeMember.mutate({ orgId, userId: member.id });
    expect(await live.ended).toBe("NOT_FOUND");
    expect(live.endedAt()! - removedAt).toBeLessThan(1000);
    const seen = live.events.length;
    await owner.trpc.documents.edit.mutate({
      assetId,
      baseRevision: 0,
      clientOpId: "after-removal-1",
      ops: [{ kind: "set", path: ["crop"], value: { x: 0, y: 0, width: 0.5, height: 0.5 } }],
    });
    await expect.poll(() => stayer.events.some((e) => e.type === "document.op")).toBe(true);
    expect(live.events.length).toBe(seen);
    expect(live.events.some((e) => e.type === "document.op")).toBe(false);
    expect(await socket.trpc.projects.get.query({ projectId }).catch(codeOf)).toBe("NOT_FOUND");
    stayer.stop();
  });
});

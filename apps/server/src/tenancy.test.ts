import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { appRouter } from "./router.ts";
import { fixture, signUp, signUpWithProject, upload } from "./testing/fixtures.ts";
import { sampleProcedureInput } from "./testing/sampleInput.ts";
import { createClient, startTestApp, type TestApp, type TestClient } from "./testing/testApp.ts";
import type { ProcedureMeta } from "./trpc.ts";

type AnyProcedure = { _def: { meta?: ProcedureMeta; inputs: z.ZodType[]; type: string } };
// Read from the router itself, so a procedure added later is walked too.
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);
const ORG_SCOPED = ["org", "project", "asset", "job"];
const isOrgScoped = ([, p]: [string, AnyProcedure]) => ORG_SCOPED.includes(p._def.meta?.resource ?? "");

type Transport = "http" | "websocket";

/**
 * Calls any procedure by path through a real client: over HTTP (subscriptions over the client's
 * WebSocket) or over one already-open WebSocket. Answers "allowed" or the tRPC error code.
 */
async function answer(client: TestClient, path: string, type: string, input: unknown): Promise<string> {
  let fn: unknown = client.trpc;
  for (const part of path.split(".")) fn = (fn as Record<string, unknown>)[part];
  const procedure = fn as Record<string, (...args: unknown[]) => unknown>;
  const codeOf = (err: unknown) =>
    err instanceof TRPCClientError ? String(err.data?.code ?? err.message) : String(err);
  if (type !== "subscription") {
    const call = type === "query" ? procedure.query! : procedure.mutate!;
    return (call(input) as Promise<unknown>).then(
      () => "allowed",
      (err: unknown) => codeOf(err),
    );
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: string) => {
      if (settled) return;
      settled = true;
      sub.unsubscribe();
      resolve(result);
    };
    const sub = procedure.subscribe!(input, {
      onData: () => done("allowed"),
      onError: (err: unknown) => done(codeOf(err)),
    }) as { unsubscribe(): void };
    setTimeout(() => done("allowed"), 1_000);
  });
}

describe("tenancy, walked over every procedure of the router", () => {
  let app: TestApp;
  let owner: TestClient;
  let owned: Record<string, string>;
  let stranger: TestClient;
  let viewer: TestClient;
  let member: TestClient;
  let memberUserId: string;
  let readKey: string;
  let strangerKey: string;

  const wsClient = (http: TestClient, apiKey?: string) =>
    createClient(app.url, { jar: http.jar, apiKey, overWebSocket: true });
  const keyClient = (key: string, overWebSocket = false) =>
    createClient(app.url, { apiKey: key, overWebSocket });

  const walk = async (client: TestClient, selected: Array<[string, AnyProcedure]>) => {
    const answers: Record<string, string> = {};
    for (const [path, procedure] of selected) {
      const input = sampleProcedureInput(procedure._def.inputs, owned);
      answers[path] = await answer(client, path, procedure._def.type, input);
    }
    return answers;
  };
  const refusedAll = (answers: Record<string, string>, codes = ["NOT_FOUND", "FORBIDDEN"]) =>
    Object.entries(answers).filter(([, code]) => !codes.includes(code));

  beforeAll(async () => {
    app = await startTestApp();
    owner = app.client();
    const { org, project } = await signUpWithProject(owner, "Owner");
    const asset = await upload(owner, project.id, "coffee.png", fixture("coffee.png"));
    const ownerMember = (await owner.trpc.orgs.members.query({ orgId: org.id }))[0]!;
    // A long job stays cancellable while the walk runs, so job writes are really tried.
    const job = await owner.trpc.jobs.create.mutate({
      projectId: project.id,
      assetIds: [asset.id],
      spec: { steps: [{ step: "diagnostic", params: { ms: 120_000 } }] },
    });
    const adminKey = await owner.trpc.auth.createApiKey.mutate({
      name: "admin",
      scopes: ["read", "write", "admin"],
    });
    readKey = (await owner.trpc.auth.createApiKey.mutate({ name: "read", scopes: ["read"] })).key;
    owned = {
      orgId: org.id,
      projectId: project.id,
      assetId: asset.id,
      jobId: job.id,
      userId: ownerMember.userId,
      apiKeyId: adminKey.id,
    };

    stranger = app.client();
    await signUp(stranger, "Stranger");
    const elsewhere = await stranger.trpc.orgs.create.mutate({ name: "Elsewhere" });
    strangerKey = (
      await stranger.trpc.apiKeys.create.mutate({
        orgId: elsewhere.id,
        name: "everything",
        scopes: ["read", "write", "admin"],
      })
    ).key;

    viewer = app.client();
    const viewerUser = await signUp(viewer, "Viewer");
    await owner.trpc.orgs.addMember.mutate({ orgId: org.id, email: viewerUser.email, role: "viewer" });

    member = app.client();
    const memberUser = await signUp(member, "Member");
    memberUserId = memberUser.id;
    await owner.trpc.orgs.addMember.mutate({ orgId: org.id, email: memberUser.email, role: "member" });
  });
  afterAll(() => app.close());

  it("gives every procedure a declared resource, and every signed-in one a key scope; mutations never need only read", () => {
    const undeclared = procedures.filter(([, p]) => !p._def.meta?.resource).map(([path]) => path);
    expect(undeclared).toEqual([]);
    const unscoped = procedures
      .filter(([, p]) => p._def.meta?.resource !== "public" && !p._def.meta?.scope)
      .map(([path]) => path);
    expect(unscoped).toEqual([]);
    const readOnlyWrites = procedures
      .filter(([, p]) => p._def.type === "mutation" && p._def.meta?.scope === "read")
      .map(([path]) => path);
    expect(readOnlyWrites).toEqual([]);
  });

  describe.each<Transport>(["http", "websocket"])("over %s", (transport) => {
    const over = (http: TestClient) => (transport === "http" ? http : wsClient(http));

    it("answers NOT_FOUND or FORBIDDEN to a member of another organization, for every scoped procedure", async () => {
      const client = over(stranger);
      const scoped = procedures.filter(isOrgScoped);
      expect(scoped.length).toBeGreaterThan(10);
      expect(refusedAll(await walk(client, scoped))).toEqual([]);
      if (transport === "websocket") expect(client.socketsOpened()).toBe(1);
    });

    it("answers NOT_FOUND or FORBIDDEN to another organization's admin API key, for every scoped procedure", async () => {
      const client = keyClient(strangerKey, transport === "websocket");
      expect(refusedAll(await walk(client, procedures.filter(isOrgScoped)))).toEqual([]);
    });

    it("answers FORBIDDEN to a viewer for every procedure that writes", async () => {
      const client = over(viewer);
      const writes = procedures.filter((p) => isOrgScoped(p) && p[1]._def.meta!.minRole !== "viewer");
      expect(writes.length).toBeGreaterThan(5);
      expect(writes.map(([path]) => path)).toContain("presence.update");
      expect(refusedAll(await walk(client, writes), ["FORBIDDEN"])).toEqual([]);
    });

    it("answers FORBIDDEN to a read-only API key for every procedure that needs write or admin", async () => {
      const client = keyClient(readKey, transport === "websocket");
      const writes = procedures.filter(
        ([, p]) => p._def.meta?.scope === "write" || p._def.meta?.scope === "admin",
      );
      expect(writes.map(([path]) => path)).toEqual(
        expect.arrayContaining([
          "orgs.create",
          "auth.listApiKeys",
          "auth.revokeApiKey",
          "apiKeys.create",
          "apiKeys.revoke",
          "presence.update",
          "presence.leave",
        ]),
      );
      expect(refusedAll(await walk(client, writes), ["FORBIDDEN"])).toEqual([]);
      // The owner's admin key survived the walk that tried to revoke it.
      expect((await owner.trpc.auth.listApiKeys.query()).map((k) => k.id)).toContain(owned.apiKeyId);
      await expect(client.trpc.projects.get.query({ projectId: owned.projectId! })).resolves.toMatchObject({
        id: owned.projectId,
      });
    });
  });

  it("refuses everything to a removed member, on the WebSocket they opened while still a member", async () => {
    const socket = wsClient(member);
    await expect(socket.trpc.projects.get.query({ projectId: owned.projectId! })).resolves.toBeTruthy();
    const http = createClient(app.url, { jar: member.jar });
    await owner.trpc.orgs.removeMember.mutate({ orgId: owned.orgId!, userId: memberUserId });
    const scoped = procedures.filter(isOrgScoped);
    expect(refusedAll(await walk(socket, scoped))).toEqual([]);
    expect(refusedAll(await walk(http, scoped))).toEqual([]);
    expect(socket.socketsOpened()).toBe(1);
  });

  it("lets a viewer read what the organization holds", async () => {
    await expect(viewer.trpc.assets.get.query({ assetId: owned.assetId! })).resolves.toMatchObject({
      status: "ready",
    });
    const orgs = await viewer.trpc.orgs.list.query();
    expect(orgs).toEqual([expect.objectContaining({ role: "viewer" })]);
  });
});

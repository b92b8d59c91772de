import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, signUpWithProject } from "../testing/fixtures.ts";
import { createClient, startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

/** The error's API code (`appCode`), or "allowed". */
async function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "allowed",
    (err: unknown) => (err instanceof TRPCClientError ? String(err.data?.appCode) : String(err)),
  );
}

/** A live projects.events subscription; resolves the app code it ended with. */
function watchEnd(client: TestClient, projectId: string): { live: Promise<void>; ended: Promise<string> } {
  let live: () => void = () => undefined;
  const started = new Promise<void>((r) => {
    live = r;
  });
  const ended = new Promise<string>((resolve) => {
    client.trpc.projects.events.subscribe(
      { projectId },
      {
        onData: () => live(),
        onError: (err) => resolve(String(err.data?.appCode ?? err.message)),
      },
    );
  });
  return { live: started, ended };
}

describe("API keys belong to organizations", () => {
  let app: TestApp;
  let owner: TestClient;
  let orgId: string;
  let projectId: string;
  let otherOrgId: string;
  let otherProjectId: string;

  beforeAll(async () => {
    app = await startTestApp();
    owner = app.client();
    const setup = await signUpWithProject(owner, "Owner");
    orgId = setup.org.id;
    projectId = setup.project.id;
    // The same person owns a second organization: a key of the first must not reach it.
    const other = await owner.trpc.orgs.create.mutate({ name: "Side business" });
    otherOrgId = other.id;
    otherProjectId = (await owner.trpc.projects.create.mutate({ orgId: otherOrgId, name: "Other" })).id;
  });
  afterAll(() => app?.close());

  it("shows the key once, and the key reaches its organization only", async () => {
    const created = await owner.trpc.apiKeys.create.mutate({ orgId, name: "ci", scopes: ["read", "write"] });
    expect(created.key).toMatch(/^atl_/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const listed = await owner.trpc.apiKeys.list.query({ orgId });
    const row = listed.find((k) => k.id === created.id)!;
    expect(row).toMatchObject({ name: "ci", scopes: ["read", "write"], status: "active", expiresAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(await owner.trpc.apiKeys.list.query({ orgId: otherOrgId })).toEqual([]);

    const key = createClient(app.url, { apiKey: created.key });
    await expect(key.trpc.projects.get.query({ projectId })).resolves.toMatchObject({ id: projectId });
    expect(await outcome(key.trpc.projects.create.mutate({ orgId, name: "By key" }))).toBe("allowed");
    // Its maker owns the other organization too; the key still answers as a stranger there.
    expect(await outcome(key.trpc.projects.get.query({ projectId: otherProjectId }))).toBe("NOT_FOUND");
    expect(await outcome(key.trpc.projects.list.query({ orgId: otherOrgId }))).toBe("NOT_FOUND");
    expect((await key.trpc.orgs.list.query()).map((o) => o.id)).toEqual([orgId]);
    expect(await outcome(key.trpc.orgs.create.mutate({ name: "Sneaky" }))).toBe("FORBIDDEN");
  });

  it("lets only admins create, list and revoke keys, and only people create them", async () => {
    const member = app.client();
    const memberUser = await signUp(member, "Member");
    await owner.trpc.orgs.addMember.mutate({ orgId, email: memberUser.email, role: "member" });
    expect(await outcome(member.trpc.apiKeys.create.mutate({ orgId, name: "mine", scopes: ["read"] }))).toBe(
      "FORBIDDEN",
    );
    expect(await outcome(member.trpc.apiKeys.list.query({ orgId }))).toBe("FORBIDDEN");

    const admin = await owner.trpc.apiKeys.create.mutate({
      orgId,
      name: "admin",
      scopes: ["read", "write", "admin"],
    });
    const adminKey = createClient(app.url, { apiKey: admin.key });
    expect(
      await outcome(adminKey.trpc.apiKeys.create.mutate({ orgId, name: "minted", scopes: ["read"] })),
    ).toBe("FORBIDDEN");
    // An owner's key acts as an admin at most: owners' powers stay with people.
    expect((await adminKey.trpc.orgs.list.query())[0]!.role).toBe("admin");
    await expect(adminKey.trpc.apiKeys.list.query({ orgId })).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ id: admin.id })]),
    );
  });

  it("refuses an expiry in the past, and an expired key at once with API_KEY_EXPIRED, also on an open socket", async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    expect(
      await outcome(
        owner.trpc.apiKeys.create.mutate({ orgId, name: "old", scopes: ["read"], expiresAt: past }),
      ),
    ).toBe("VALIDATION_ERROR");
    const expiresAt = new Date(Date.now() + 2_500).toISOString();
    const created = await owner.trpc.apiKeys.create.mutate({
      orgId,
      name: "brief",
      scopes: ["read"],
      expiresAt,
    });
    const key = createClient(app.url, { apiKey: created.key });
    await expect(key.trpc.projects.get.query({ projectId })).resolves.toBeTruthy();
    const socket = createClient(app.url, { apiKey: created.key });
    const watched = watchEnd(socket, projectId);
    await watched.live;
    const code = await watched.ended;
    const endedAt = Date.now();
    expect(code).toBe("API_KEY_EXPIRED");
    expect(endedAt - new Date(expiresAt).getTime()).toBeLessThan(1_000);
    const refused = await key.trpc.projects.get.query({ projectId }).catch((e: TRPCClientError<never>) => e);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<never>).data).toMatchObject({
      appCode: "API_KEY_EXPIRED",
      httpStatus: 401,
    });
    expect((refused as TRPCClientError<never>).message).toMatch(/expired/);
    const listed = (await owner.trpc.apiKeys.list.query({ orgId })).find((k) => k.id === created.id);
    expect(listed?.status).toBe("expired");
  });

  it("revokes at once, on sockets already open with the key", async () => {
    const created = await owner.trpc.apiKeys.create.mutate({ orgId, name: "socket", scopes: ["read"] });
    const socket = createClient(app.url, { apiKey: created.key, overWebSocket: true });
    await expect(socket.trpc.projects.get.query({ projectId })).resolves.toBeTruthy();
    const watched = watchEnd(socket, projectId);
    await watched.live;
    const revokedAt = Date.now();
    await owner.trpc.apiKeys.revoke.mutate({ orgId, apiKeyId: created.id });
    expect(await watched.ended).toBe("UNAUTHORIZED");
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    expect(await outcome(socket.trpc.projects.get.query({ projectId }))).toBe("UNAUTHORIZED");
    expect((await owner.trpc.apiKeys.list.query({ orgId })).map((k) => k.id)).not.toContain(created.id);
    expect(await outcome(owner.trpc.apiKeys.revoke.mutate({ orgId, apiKeyId: created.id }))).toBe(
      "NOT_FOUND",
    );
  });

  it("stops a key when its maker leaves the organization", async () => {
    const admin = app.client();
    const adminUser = await signUp(admin, "Admin");
    await owner.trpc.orgs.addMember.mutate({ orgId, email: adminUser.email, role: "admin" });
    const created = await admin.trpc.apiKeys.create.mutate({ orgId, name: "leaver", scopes: ["read"] });
    const key = createClient(app.url, { apiKey: created.key });
    await expect(key.trpc.projects.get.query({ projectId })).resolves.toBeTruthy();
    await owner.trpc.orgs.removeMember.mutate({ orgId, userId: adminUser.id });
    expect(await outcome(key.trpc.projects.get.query({ projectId }))).toBe("NOT_FOUND");
    // Still listed, so the organization's admins can revoke it.
    expect((await owner.trpc.apiKeys.list.query({ orgId })).map((k) => k.id)).toContain(created.id);
  });

  it("keeps the older auth.createApiKey working: a key of the first organization the caller administers", async () => {
    const created = await owner.trpc.auth.createApiKey.mutate({ name: "legacy", scopes: ["read"] });
    const key = createClient(app.url, { apiKey: created.key });
    expect((await key.trpc.orgs.list.query()).map((o) => o.id)).toEqual([orgId]);
    expect((await owner.trpc.auth.listApiKeys.query()).map((k) => k.id)).toContain(created.id);
    await owner.trpc.auth.revokeApiKey.mutate({ apiKeyId: created.id });
    expect(await outcome(key.trpc.orgs.list.query())).toBe("UNAUTHORIZED");
  });
});

import { eq, schema } from "@atelier/db";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, SESSION_TTL_MS, validateSessionToken } from "../auth/sessions.ts";
import { signUp, signUpWithProject } from "../testing/fixtures.ts";
import { createClient, startTestApp, type TestApp } from "../testing/testApp.ts";

const failure = (err: unknown): { code: string; message: string } =>
  err instanceof TRPCClientError
    ? { code: err.data?.appCode, message: err.message }
    : { code: String(err), message: "" };
/** What a call ends in: its error's code and message, or OK. */
const outcome = (call: Promise<unknown>) => call.then(() => ({ code: "OK", message: "" }), failure);

describe("accounts and sessions", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ database: "postgres" });
  });
  afterAll(() => app.close());

  it("signs up, keeps the session in an httpOnly cookie, and signs out", async () => {
    const client = app.client();
    const res = await fetch(`${app.url}/trpc/auth.signUp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "cookie@example.com", password: "correct horse battery", name: "C" }),
    });
    expect(res.headers.get("set-cookie")).toMatch(
      /^atelier_session=[a-z2-7]{32}; Path=\/; HttpOnly; SameSite=Lax/,
    );
    const user = await signUp(client);
    expect((await client.trpc.auth.me.query()).user?.id).toBe(user.id);
    await client.trpc.auth.signOut.mutate();
    expect((await client.trpc.auth.me.query()).user).toBeNull();
  });

  it("stores only the hash of the session token", async () => {
    const client = app.client();
    await signUp(client);
    const token = client.headers().cookie!.split("=")[1]!;
    const rows = await app.services.db
      .select()
      .from(schema.sessions)
      .where(eq(schema.sessions.id, hashToken(token)));
    expect(rows).toHaveLength(1);
    const raw = await app.services.db.select().from(schema.sessions).where(eq(schema.sessions.id, token));
    expect(raw).toHaveLength(0);
  });

  it("extends a session used in its second half and deletes an expired one", async () => {
    const client = app.client();
    await signUp(client);
    const token = client.headers().cookie!.split("=")[1]!;
    const id = hashToken(token);
    const { db } = app.services;
    await db
      .update(schema.sessions)
      .set({ expiresAt: new Date(Date.now() + 3 * 86_400_000) })
      .where(eq(schema.sessions.id, id));
    const renewed = await validateSessionToken(db, token);
    expect(renewed!.session.expiresAt.getTime()).toBeGreaterThan(Date.now() + SESSION_TTL_MS - 60_000);
    await db
      .update(schema.sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.sessions.id, id));
    expect(await validateSessionToken(db, token)).toBeNull();
    expect(await db.select().from(schema.sessions).where(eq(schema.sessions.id, id))).toHaveLength(0);
  });

  it("answers a taken email with CONFLICT, in words that do not say an account exists", async () => {
    const client = app.client();
    const user = await signUp(client, "Twin");
    const err = await outcome(
      app.client().trpc.auth.signUp.mutate({
        email: user.email.toUpperCase(),
        password: "another password",
        name: "Twin",
      }),
    );
    expect(err.code).toBe("CONFLICT");
    expect(err.message).not.toMatch(/exists|already|registered/i);
  });

  it("answers a wrong password and an unknown email alike, then throttles", async () => {
    const user = await signUp(app.client(), "Target");
    const client = app.client();
    const wrong = await outcome(
      client.trpc.auth.signIn.mutate({ email: user.email, password: "not the password" }),
    );
    const unknown = await outcome(
      client.trpc.auth.signIn.mutate({ email: "nobody-here@example.com", password: "not the password" }),
    );
    expect(wrong).toEqual({ code: "UNAUTHORIZED", message: "Email or password is incorrect." });
    expect(unknown).toEqual(wrong);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push(
        (await outcome(client.trpc.auth.signIn.mutate({ email: user.email, password: `guess ${i}` }))).code,
      );
    }
    expect(codes.at(-1)).toBe("RATE_LIMITED");
    const right = await outcome(
      client.trpc.auth.signIn.mutate({ email: user.email, password: user.password }),
    );
    expect(right).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("serves the SDK with API keys that carry scopes and can be revoked", async () => {
    const owner = app.client();
    const { project } = await signUpWithProject(owner, "Keys");
    const readKey = await owner.trpc.auth.createApiKey.mutate({ name: "dashboard", scopes: ["read"] });
    const writeKey = await owner.trpc.auth.createApiKey.mutate({ name: "cli", scopes: ["read", "write"] });
    expect(readKey.key).toMatch(/^atl_/);

    const reader = createClient(app.url, { apiKey: readKey.key });
    await expect(reader.trpc.projects.get.query({ projectId: project.id })).resolves.toMatchObject({
      id: project.id,
    });
    const denied = await outcome(reader.trpc.projects.create.mutate({ orgId: project.orgId, name: "No" }));
    expect(denied.code).toBe("FORBIDDEN");

    const writer = createClient(app.url, { apiKey: writeKey.key });
    await expect(
      writer.trpc.projects.create.mutate({ orgId: project.orgId, name: "Yes" }),
    ).resolves.toMatchObject({
      name: "Yes",
    });
    await owner.trpc.auth.revokeApiKey.mutate({ apiKeyId: writeKey.id });
    const revoked = await outcome(writer.trpc.projects.get.query({ projectId: project.id }));
    expect(revoked.code).toBe("UNAUTHORIZED");
    expect((await owner.trpc.auth.listApiKeys.query()).map((k) => k.name)).toEqual(["dashboard"]);
  });

  it("rejects bad input with VALIDATION_ERROR and a readable message", async () => {
    const err = await outcome(
      app.client().trpc.auth.signUp.mutate({ email: "not-an-email", password: "short", name: "" }),
    );
    expect(err.code).toBe("VALIDATION_ERROR");
    expect(err.message).toMatch(/valid email/);
    expect(err.message).toMatch(/at least 10 characters/);
  });
});

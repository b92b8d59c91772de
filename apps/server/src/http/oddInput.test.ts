import { request } from "node:http";
import { Writable } from "node:stream";
import { schema } from "@atelier/db";
import { createLogger } from "@atelier/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { fixture, signUp, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";
import { MAX_BATCH_SIZE, MAX_RPC_BODY_BYTES } from "./requestLimits.ts";

/** A raw request, so the test controls every byte: bad encodings, huge declared lengths, chunked bodies. */
function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | Buffer[] },
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? "GET",
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (Array.isArray(options.body)) {
      for (const chunk of options.body) req.write(chunk);
      req.end();
    } else {
      if (options.body && !options.headers?.["content-length"])
        req.setHeader("content-length", options.body.length);
      req.end(options.body);
    }
  });
}

const codeOf = (body: string): string | undefined => {
  const parsed = JSON.parse(body) as { error?: { code?: unknown; data?: { appCode?: string } } };
  return (
    parsed.error?.data?.appCode ?? (typeof parsed.error?.code === "string" ? parsed.error.code : undefined)
  );
};

/** JSON text of an object nested `depth` levels deep (JSON.stringify itself overflows on it). */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

describe("odd input answers 4xx with a code, never 500", () => {
  let app: TestApp;
  let client: TestClient;
  let ids: { orgId: string; projectId: string; assetId: string };
  const logLines: string[] = [];

  beforeAll(async () => {
    const log = createLogger(
      "test",
      "info",
      new Writable({
        write(chunk, _e, done) {
          logLines.push(chunk.toString());
          done();
        },
      }),
    );
    app = await startTestApp({ log });
    client = app.client();
    const { org, project } = await signUpWithProject(client, "Odd");
    const asset = await upload(client, project.id, "coffee.png", fixture("coffee.png"));
    ids = { orgId: org.id, projectId: project.id, assetId: asset.id };
  });
  afterAll(() => app.close());

  const rpc = (path: string, input: unknown, headers: Record<string, string> = {}) =>
    rpcText(path, JSON.stringify(input), headers);
  const rpcText = (path: string, json: string, headers: Record<string, string> = {}) =>
    rawRequest(app.url, {
      method: "POST",
      path: `/trpc/${path}`,
      headers: { "content-type": "application/json", ...client.headers(), ...headers },
      body: Buffer.from(json),
    });

  it("refuses a NUL character in any name", async () => {
    const calls: Array<[string, unknown]> = [
      ["orgs.create", { name: "Nul\u0000Org" }],
      ["projects.create", { orgId: ids.orgId, name: "a\u0000b" }],
      [
        "assets.createUpload",
        { projectId: ids.projectId, filename: "x\u0000.png", contentType: "image/png", bytes: 10 },
      ],
      ["auth.signUp", { email: "nul@example.com", password: "correct horse battery", name: "N\u0000" }],
      [
        "jobs.create",
        {
          projectId: ids.projectId,
          assetIds: [ids.assetId],
          preset: "remove-background",
          params: { "k\u0000": 1 },
        },
      ],
    ];
    for (const [path, input] of calls) {
      const res = await rpc(path, input);
      expect({ path, status: res.status, code: codeOf(res.body) }).toEqual({
        path,
        status: 400,
        code: "VALIDATION_ERROR",
      });
    }
  });

  it("refuses JSON nested 10,000 deep in job params and edit ops", async () => {
    const deep = nestedJson(10_000);
    const job = await rpcText(
      "jobs.create",
      `{"projectId":"${ids.projectId}","assetIds":["${ids.assetId}"],"preset":"remove-background","params":{"deep":${deep}}}`,
    );
    expect([job.status, codeOf(job.body)]).toEqual([400, "VALIDATION_ERROR"]);
    const edit = await rpcText(
      "documents.edit",
      `{"assetId":"${ids.assetId}","baseRevision":0,"clientOpId":"deep-json-1","ops":[{"kind":"set","path":["crop"],"value":${deep}}]}`,
    );
    expect([edit.status, codeOf(edit.body)]).toEqual([400, "VALIDATION_ERROR"]);
  });

  it("treats a malformed session cookie like none", async () => {
    const list = await rawRequest(app.url, {
      path: `/trpc/orgs.list`,
      headers: { cookie: "atelier_session=%E0%A4%A" },
    });
    expect([list.status, codeOf(list.body)]).toEqual([401, "UNAUTHORIZED"]);
  });

  it("answers a path with bad URL encoding with 400", async () => {
    for (const path of ["/%ZZ", "/assets/%E0%A4%A", "/trpc/%ZZ"]) {
      const res = await rawRequest(app.url, { path });
      expect({
        path,
        status: res.status < 500 && res.status >= 400,
        code: codeOf(res.body) !== undefined,
      }).toEqual({
        path,
        status: true,
        code: true,
      });
    }
  });

  it("refuses a body over the limit, or streamed without a length, before reading it", async () => {
    const declared = await rawRequest(app.url, {
      method: "POST",
      path: "/trpc/auth.signIn",
      headers: { "content-type": "application/json", "content-length": String(200 * 1024 * 1024) },
      body: Buffer.alloc(64 * 1024, 32),
    }).catch((err: Error) => ({ status: 0, body: err.message }));
    expect([declared.status, codeOf(declared.body)]).toEqual([413, "REQUEST_TOO_LARGE"]);
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(128 * 1024, 32));
    const chunked = await rawRequest(app.url, {
      method: "POST",
      path: "/trpc/auth.signIn",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      body: chunks,
    }).catch((err: Error) => ({ status: 0, body: err.message }));
    expect([chunked.status, codeOf(chunked.body)]).toEqual([400, "VALIDATION_ERROR"]);
  });

  it(`refuses a batch of more than ${MAX_BATCH_SIZE} calls without running any`, async () => {
    const n = MAX_BATCH_SIZE + 1;
    const paths = Array.from({ length: n }, () => "projects.create").join(",");
    const input = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [i, { orgId: ids.orgId, name: `p${i}` }]),
    );
    const before = (await app.services.db.select().from(schema.projects)).length;
    const res = await rawRequest(app.url, {
      method: "POST",
      path: `/trpc/${paths}?batch=1`,
      headers: { "content-type": "application/json", ...client.headers() },
      body: Buffer.from(JSON.stringify(input)),
    });
    expect(res.status).toBe(413);
    expect(res.body).toContain("REQUEST_TOO_LARGE");
    expect((await app.services.db.select().from(schema.projects)).length).toBe(before);
  });

  it("closes a WebSocket that sends a frame over the limit, and refuses an oversized batch frame", async () => {
    const open = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`${app.url.replace(/^http/, "ws")}/trpc`, { headers: client.headers() });
        ws.once("open", () => resolve(ws));
        ws.once("error", reject);
      });
    const big = await open();
    const closed = new Promise<number>((resolve) => big.once("close", (code) => resolve(code)));
    big.send("x".repeat(MAX_RPC_BODY_BYTES + 1));
    expect(await closed).toBe(1009);

    const batch = await open();
    const batchClosed = new Promise<[number, string]>((resolve) =>
      batch.once("close", (code, reason) => resolve([code, reason.toString()])),
    );
    const calls = Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => ({
      id: i + 1,
      method: "mutation",
      params: { path: "projects.create", input: { orgId: ids.orgId, name: `ws${i}` } },
    }));
    const before = (await app.services.db.select().from(schema.projects)).length;
    batch.send(JSON.stringify(calls));
    expect(await batchClosed).toEqual([1008, `Send at most ${MAX_BATCH_SIZE} calls in one frame.`]);
    expect((await app.services.db.select().from(schema.projects)).length).toBe(before);

    // Commas, brackets and escaped quotes inside names do not count as calls.
    const full = await open();
    const answered = new Promise<unknown[]>((resolve) => {
      const replies: unknown[] = [];
      full.on("message", (data) => {
        replies.push(JSON.parse(data.toString()));
        if (replies.length === MAX_BATCH_SIZE) resolve(replies);
      });
    });
    const tricky = Array.from({ length: MAX_BATCH_SIZE }, (_, i) => ({
      id: i + 1,
      method: "mutation",
      params: { path: "projects.create", input: { orgId: ids.orgId, name: `a,b],[{"x\\",${i}` } },
    }));
    full.send(JSON.stringify(tricky));
    expect((await answered).every((r) => JSON.stringify(r).includes('"result"'))).toBe(true);
    full.close();
  });

  it("keeps credentials out of every log line, even a failed query's values", async () => {
    const user = await signUp(app.client(), "Logged");
    const [row] = await app.services.db.select().from(schema.users);
    const key = await client.trpc.auth.createApiKey.mutate({ name: "logged", scopes: ["read"] });
    // A real failed query whose values include a password hash, logged as a failing procedure logs it.
    const failed = await app.services.db
      .insert(schema.users)
      .values({ email: user.email, name: "dup", passwordHash: row!.passwordHash })
      .catch((err: unknown) => err);
    app.services.log.error({ err: failed }, "procedure failed");
    await rpc(
      "auth.signIn",
      { email: user.email, password: "wrong password" },
      { authorization: `Bearer ${key.key}` },
    );
    const written = logLines.join("");
    expect(written).toContain("procedure failed");
    expect(written).not.toContain("$argon2");
    expect(written).not.toContain(key.key);
    for (const [, token] of client.jar) expect(written).not.toContain(token);
  });
});

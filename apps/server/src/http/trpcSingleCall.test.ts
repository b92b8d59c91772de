import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialOf } from "../auth/authenticate.ts";
import { appRouter } from "../router.ts";
import { signUpWithProject } from "../testing/fixtures.ts";
import { startTestApp, type TestApp } from "../testing/testApp.ts";
import type { Context } from "../trpc.ts";
import { MAX_BATCH_SIZE, MAX_RPC_BODY_BYTES } from "./requestLimits.ts";
import { rpcResponseMeta } from "./rpcResponseMeta.ts";
import { createSingleCallHandler } from "./trpcSingleCall.ts";

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

function send(
  server: Server,
  call: { method: "GET" | "POST"; path: string; cookie?: string; body?: string; contentType?: string },
): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  const headers: Record<string, string> = {};
  if (call.cookie) headers.cookie = call.cookie;
  if (call.body !== undefined) headers["content-type"] = call.contentType ?? "application/json";
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: call.method, path: call.path, headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: {
            "content-type": res.headers["content-type"],
            vary: res.headers.vary,
            "retry-after": res.headers["retry-after"],
          },
          body: JSON.parse(text),
        }),
      );
    });
    req.on("error", reject);
    req.end(call.body);
  });
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return server;
}

/** Ids, times and stack-free error data differ between two answers to the same call; their shape must not. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  }
  return typeof value === "string" && /^[0-9a-f-]{36}$|^\d{4}-\d\d-\d\dT/.test(value) ? typeof value : value;
}

describe("single tRPC calls answered without tRPC's fetch adapter", () => {
  let app: TestApp;
  let fast: Server;
  let trpcOwn: Server;
  let cookie: string;
  let ids: { orgId: string; projectId: string };

  beforeAll(async () => {
    // Twelve calls a minute for the signed-in person, so the last case meets the rate limit.
    app = await startTestApp({ env: { ATELIER_API_CALLS_PER_MINUTE: "12" } });
    const client = app.client();
    const { org, project } = await signUpWithProject(client);
    ids = { orgId: org.id, projectId: project.id };
    cookie = client.headers().cookie!;
    const createContext = (req: Context["req"], res?: Context["res"]): Context => ({
      services: app.services,
      credential: credentialOf(req),
      req,
      res,
    });
    const own = createHTTPHandler({
      router: appRouter,
      basePath: "/trpc/",
      createContext: ({ req, res }) => createContext(req, res),
      maxBatchSize: MAX_BATCH_SIZE,
      maxBodySize: MAX_RPC_BODY_BYTES,
      responseMeta: rpcResponseMeta,
    });
    trpcOwn = await listen(own);
    fast = await listen(
      createSingleCallHandler({
        router: appRouter,
        basePath: "/trpc/",
        createContext,
        fallback: (_req, res) => {
          res.statusCode = 599;
          res.end('"fell back"');
        },
      }),
    );
  });

  afterAll(async () => {
    fast?.close();
    trpcOwn?.close();
    await app?.close();
  });

  const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

  it("answers queries, mutations and their errors as tRPC's adapter does: status, headers and body", async () => {
    const calls = [
      { what: "a query", method: "GET", path: `/trpc/projects.list?${input({ orgId: ids.orgId })}`, cookie },
      { what: "a query without input", method: "GET", path: "/trpc/auth.me", cookie },
      { what: "signed out", method: "GET", path: `/trpc/projects.list?${input({ orgId: ids.orgId })}` },
      { what: "a bad input", method: "GET", path: `/trpc/projects.list?${input({ orgId: 7 })}`, cookie },
      {
        what: "a stranger's project",
        method: "GET",
        path: `/trpc/projects.get?${input({ projectId: "00000000-0000-4000-8000-000000000000" })}`,
        cookie,
      },
      {
        what: "a mutation",
        method: "POST",
        path: "/trpc/projects.create",
        cookie,
        body: JSON.stringify({ orgId: ids.orgId, name: "Second" }),
      },
      {
        what: "a NUL in the input",
        method: "POST",
        path: "/trpc/projects.create",
        cookie,
        body: JSON.stringify({ orgId: ids.orgId, name: "a\u0000b" }),
      },
      { what: "no body", method: "POST", path: "/trpc/projects.create", cookie, body: "" },
      {
        what: "a body that is not JSON",
        method: "POST",
        path: "/trpc/projects.create",
        cookie,
        body: "{nope",
      },
    ] as const;
    for (const call of calls) {
      const [mine, theirs] = [await send(fast, call), await send(trpcOwn, call)];
      expect(mine.status, call.what).not.toBe(599);
      expect({ what: call.what, ...mine, body: shapeOf(mine.body) }).toEqual({
        what: call.what,
        ...theirs,
        body: shapeOf(theirs.body),
      });
    }
  });

  it("leaves batches, other content types and wrong methods to tRPC's adapter", async () => {
    const odd = [
      { method: "GET", path: `/trpc/auth.me,auth.me?batch=1&${input({})}` },
      { method: "POST", path: "/trpc/auth.me", body: "{}" },
      { method: "GET", path: "/trpc/projects.create" },
      { method: "GET", path: "/trpc/no.such.procedure" },
      { method: "GET", path: "/trpc/__proto__" },
      { method: "GET", path: "/trpc/constructor" },
      { method: "POST", path: "/trpc/projects.create", body: "{}", contentType: "text/plain" },
    ] as const;
    for (const call of odd) expect((await send(fast, { ...call, cookie })).status, call.path).toBe(599);
  });

  it("gives a rate-limited call its Retry-After, as tRPC's adapter does", async () => {
    const call = {
      method: "GET",
      path: `/trpc/projects.list?${input({ orgId: ids.orgId })}`,
      cookie,
    } as const;
    const limited = async (server: Server) => {
      const answer = await send(server, call);
      return answer.status === 429 ? answer : null;
    };
    let mine: Answer | null = null;
    for (let i = 0; i < 20 && !mine; i++) mine = await limited(fast);
    const theirs = await limited(trpcOwn);
    expect(mine?.headers["retry-after"]).toMatch(/^\d+$/);
    expect(theirs && shapeOf(mine?.body)).toEqual(shapeOf(theirs?.body));
  });
});

import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { answerWhileStarting } from "./startingGate.ts";

function get(port: number): Promise<{ status: number; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/trpc/auth.me" }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body }),
      );
    });
    req.setTimeout(5_000, () => req.destroy(new Error("no answer within 5 s")));
    req.on("error", reject);
    req.end();
  });
}

function upgrade(port: number): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/trpc`, { handshakeTimeout: 5_000 });
    ws.on("unexpected-response", (_req, res) => resolve(`refused ${res.statusCode}`));
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("error", (err) => resolve(`error ${err.message}`));
  });
}

describe("a server that listens before its handlers are in place", () => {
  const server = createServer();
  afterEach(() => server.close());

  it("says UNAVAILABLE with Retry-After to requests and upgrades until opened, then serves", async () => {
    const gate = answerWhileStarting(server);
    server.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const { port } = server.address() as AddressInfo;

    const early = await get(port);
    expect([early.status, early.retryAfter]).toEqual([503, "1"]);
    expect(JSON.parse(early.body)).toMatchObject({ error: { code: "UNAVAILABLE" } });
    // Without the gate, Node holds an upgrade nobody listens for: the client's handshake never ends.
    expect(await upgrade(port)).toBe("refused 503");

    server.on("request", (_req, res) => res.end("ready"));
    gate.open();
    expect(await get(port)).toMatchObject({ status: 200, body: "ready" });
  });
});

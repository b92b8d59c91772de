import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { metricsContentType, metricsText } from "./metrics.ts";

/** What must answer for a process to take work: each check resolves when its dependency does. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

const CHECK_TIMEOUT_MS = 2_000;

/** Runs every check at once, each bounded in time; names the ones that failed. */
export async function checkReadiness(
  checks: ReadinessChecks,
): Promise<{ ready: boolean; failing: string[] }> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
      });
      try {
        await Promise.race([check(), timeout]);
        return null;
      } catch {
        return name;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const failing = results.filter((n): n is string => n !== null);
  return { ready: failing.length === 0, failing };
}

/**
 * Answers `/readyz` (200 when every dependency answers, else 503 naming the failing ones, e.g.
 * `["redis"]`) and `/metrics` (Prometheus text). False for any other path.
 */
export async function answerProbe(
  path: string,
  res: ServerResponse,
  checks: ReadinessChecks,
): Promise<boolean> {
  if (path === "/readyz") {
    const { ready, failing } = await checkReadiness(checks);
    res.writeHead(ready ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(ready ? { status: "ready" } : { status: "not ready", failing }));
    return true;
  }
  if (path === "/metrics") {
    const text = await metricsText();
    res.writeHead(200, { "content-type": metricsContentType, "cache-control": "no-store" });
    res.end(text);
    return true;
  }
  return false;
}

/**
 * A GPU node's small HTTP port: `/healthz` (the process is alive), `/readyz` and `/metrics`.
 * Port 0 picks a free one (see `port`).
 */
export async function startProbeServer(options: {
  port: number;
  host: string;
  checks: ReadinessChecks;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ status: "ok" }));
      return;
    }
    answerProbe(path, res, options.checks)
      .then((answered) => {
        if (!answered)
          res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  server.listen(options.port, options.host);
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, type Logger, toAppError } from "@atelier/shared";
import { answerProbe, httpRequestSeconds, type ReadinessChecks } from "@atelier/telemetry";
import type { StorageRequestHandler } from "@atelier/storage";
import { closeConnectionIfBodyUnread, closeUnreadBody, declaredBodyBytes } from "./closeUnreadBody.ts";
import { MAX_RPC_BODY_BYTES } from "./requestLimits.ts";
import { rawPath } from "./requestPath.ts";
import { sendError, sendRpcError } from "./sendError.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface RequestHandlerParts {
  trpc: Handler;
  storage: StorageRequestHandler | null;
  staticFiles: Handler;
  /** True while the server can serve: its database answers. */
  healthy(): Promise<boolean>;
  /** What `/readyz` checks: the database, Redis and storage. `/metrics` is answered beside it. */
  readiness: ReadinessChecks;
  /** Set on every response (security headers). */
  headers: Record<string, string>;
  log: Logger;
}

/** Every plain HTTP request: health, tRPC, signed storage URLs, the web app; anything else is NOT_FOUND. */
export function createRequestHandler(parts: RequestHandlerParts): Handler {
  return async (req, res) => {
    for (const [name, value] of Object.entries(parts.headers)) res.setHeader(name, value);
    const started = performance.now();
    let route = "other";
    res.once("finish", () => {
      closeUnreadBody(req);
      httpRequestSeconds.observe(
        { route, method: req.method ?? "", status: String(res.statusCode) },
        (performance.now() - started) / 1000,
      );
    });
    try {
      const path = rawPath(req);
      route = routeOf(path);
      if (path === "/healthz") return await health(parts, res);
      if (path === "/readyz" || path === "/metrics")
        return void (await answerProbe(path, res, parts.readiness));
      if (path.startsWith("/trpc/")) {
        const bytes = declaredBodyBytes(req);
        // tRPC clients always say how long their JSON is; a body streamed without a length is
        // refused before any of it is read, like one that declares too much.
        if (bytes === null && req.headers["transfer-encoding"] !== undefined) {
          const error = new AppError("VALIDATION_ERROR", "Send the request body with a Content-Length.", {
            maxBytes: MAX_RPC_BODY_BYTES,
          });
          return sendRpcError(res, error, "BAD_REQUEST", { closing: true });
        }
        if (bytes !== null && bytes > MAX_RPC_BODY_BYTES) {
          const error = new AppError(
            "REQUEST_TOO_LARGE",
            `The request body is ${bytes} bytes; the server accepts at most ${MAX_RPC_BODY_BYTES}.`,
            { bytes, maxBytes: MAX_RPC_BODY_BYTES },
          );
          return sendRpcError(res, error, "PAYLOAD_TOO_LARGE", { closing: true });
        }
        closeConnectionIfBodyUnread(req, res);
        return await parts.trpc(req, res);
      }
      if (parts.storage && (await parts.storage(req, res))) return;
      if (req.method === "GET" || req.method === "HEAD") return await parts.staticFiles(req, res);
      sendError(res, new AppError("NOT_FOUND", `Nothing answers ${req.method} ${path}.`), { closing: true });
    } catch (err) {
      const error = toAppError(err);
      if (error.code === "INTERNAL") parts.log.error({ err }, "request failed");
      sendError(res, error, { closing: !req.complete });
    }
  };
}

/** A path's family, as the request metrics label it (a bounded set, whatever the path). */
function routeOf(path: string): string {
  if (path.startsWith("/trpc/")) return "trpc";
  if (path === "/healthz" || path === "/readyz") return "probe";
  if (path === "/metrics") return "metrics";
  if (path.startsWith("/storage/")) return "storage";
  return "static";
}

/** Only whether the server can serve: who runs what is the operator's business, not an anonymous caller's. */
async function health(parts: RequestHandlerParts, res: ServerResponse): Promise<void> {
  const ok = await parts.healthy().catch(() => false);
  res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify({ status: ok ? "ok" : "unavailable" }));
}

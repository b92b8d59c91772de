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
  /** POST /webhooks/stripe. */
  stripeWebhook: Handler;
  /** The REST API (`/api/v1/...`), its OpenAPI document and its reference page. */
  rest: {
    api: Handler;
    document(): unknown;
    docs(path: string, res: ServerResponse): boolean;
  };
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
      if (path === "/webhooks/stripe") return await parts.stripeWebhook(req, res);
      if (path === "/readyz" || path === "/metrics")
        return void (await answerProbe(path, res, parts.readiness));
      if (path.startsWith("/trpc/")) {
        const refusal = bodyRefusal(req);
        if (refusal) return sendRpcError(res, refusal.error, refusal.trpcCode, { closing: true });
        closeConnectionIfBodyUnread(req, res);
        return await parts.trpc(req, res);
      }
      if (path.startsWith("/api/v1/")) {
        const refusal = bodyRefusal(req);
        if (refusal) return sendError(res, refusal.error, { closing: true });
        closeConnectionIfBodyUnread(req, res);
        return await parts.rest.api(req, res);
      }
      if (path === "/api/openapi.json" && (req.method === "GET" || req.method === "HEAD")) {
        res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache" });
        return void res.end(req.method === "HEAD" ? undefined : JSON.stringify(parts.rest.document()));
      }
      if (path.startsWith("/api/docs") && req.method === "GET" && parts.rest.docs(path, res)) return;
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

/**
 * A JSON API request whose body is refused before a byte is read: one that declares more than the
 * limit, or streams without saying how long it is (clients of a JSON API always say).
 */
function bodyRefusal(
  req: IncomingMessage,
): { error: AppError; trpcCode: "BAD_REQUEST" | "PAYLOAD_TOO_LARGE" } | null {
  const bytes = declaredBodyBytes(req);
  if (bytes === null && req.headers["transfer-encoding"] !== undefined) {
    const error = new AppError("VALIDATION_ERROR", "Send the request body with a Content-Length.", {
      maxBytes: MAX_RPC_BODY_BYTES,
    });
    return { error, trpcCode: "BAD_REQUEST" };
  }
  if (bytes !== null && bytes > MAX_RPC_BODY_BYTES) {
    const error = new AppError(
      "REQUEST_TOO_LARGE",
      `The request body is ${bytes} bytes; the server accepts at most ${MAX_RPC_BODY_BYTES}.`,
      { bytes, maxBytes: MAX_RPC_BODY_BYTES },
    );
    return { error, trpcCode: "PAYLOAD_TOO_LARGE" };
  }
  return null;
}

/** A path's family, as the request metrics label it (a bounded set, whatever the path). */
function routeOf(path: string): string {
  if (path.startsWith("/trpc/")) return "trpc";
  if (path.startsWith("/api/")) return "rest";
  if (path === "/webhooks/stripe") return "webhook";
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

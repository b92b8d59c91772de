import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { type AppError, httpStatusOf } from "@atelier/shared";
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

function headersOf(error: AppError, closing: boolean): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const retryAfterSec = error.details.retryAfterSec;
  // Every refusal that says when to come back (rate limited, starting) says it in the header too.
  if (typeof retryAfterSec === "number")
    headers["retry-after"] = String(Math.max(1, Math.ceil(retryAfterSec)));
  if (closing) headers.connection = "close";
  return headers;
}

/** Plain HTTP endpoints answer `{ "error": { code, message, details } }`. */
export function sendError(res: ServerResponse, error: AppError, options: { closing?: boolean } = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(httpStatusOf[error.code], headersOf(error, options.closing ?? false));
  res.end(JSON.stringify({ error: error.toJSON() }));
}

/**
 * A refusal on a tRPC path before tRPC ran (a body over the limit): shaped like tRPC's own error
 * responses, so tRPC clients read the code and message as they do for any other error.
 */
export function sendRpcError(
  res: ServerResponse,
  error: AppError,
  trpcCode: TRPC_ERROR_CODE_KEY,
  options: { closing?: boolean } = {},
): void {
  if (res.headersSent) return void res.end();
  const httpStatus = httpStatusOf[error.code];
  res.writeHead(httpStatus, headersOf(error, options.closing ?? false));
  res.end(
    JSON.stringify({
      error: {
        message: error.message,
        code: TRPC_ERROR_CODES_BY_KEY[trpcCode],
        data: { code: trpcCode, httpStatus, appCode: error.code, details: error.details },
      },
    }),
  );
}

/** A WebSocket upgrade refused before the handshake: a bare HTTP answer on the raw socket, then closed. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  reason: string,
  headers: Record<string, string> = {},
): void {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n${extra.join("")}Connection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}

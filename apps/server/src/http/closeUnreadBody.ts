import type { IncomingMessage, ServerResponse } from "node:http";

/** Bytes read and thrown away after answering early, so the client can finish sending and read the answer. */
const MAX_DISCARD_BYTES = 64 * 1024;
const DISCARD_GRACE_MS = 1_000;

/**
 * After an answer was sent before the request's body was read (refused, or unknown path), the
 * connection is closed instead of kept alive: Node would otherwise read every remaining byte of a
 * 200 MB body to find the next request. A little is read first so the client sees the answer
 * rather than a reset.
 */
export function closeUnreadBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  let discarded = 0;
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_GRACE_MS);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) {
      clearTimeout(timer);
      req.socket.destroy();
    }
  });
  req.on("end", () => clearTimeout(timer));
  req.resume();
}

/** The body length a request declares, or null when it streams one without saying (chunked). */
export function declaredBodyBytes(req: IncomingMessage): number | null {
  const header = req.headers["content-length"];
  if (header === undefined) return null;
  const bytes = Number(header);
  return Number.isFinite(bytes) ? bytes : null;
}

/**
 * Says `Connection: close` on a response that starts before its request's body was read (tRPC
 * refusing a batch or a chunked body over the limit), so the client never reuses a connection the
 * server is about to drop.
 */
export function closeConnectionIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    if (!req.complete) this.setHeader("connection", "close");
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}

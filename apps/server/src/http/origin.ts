import type { IncomingMessage } from "node:http";

/**
 * Browsers always send Origin on a WebSocket upgrade; cookies ride along, so a foreign page must not get in.
 * Allowed: the configured public URL and the extra allowed origins, nothing else. Not "the host the
 * request was sent to": a page on a domain its owner re-points at this server (DNS rebinding) sends
 * a matching Host and Origin. Clients with no Origin (SDK, CLI) are not browsers; they hold an API key.
 */
export function isOriginAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  return origin === undefined || allowed.has(origin);
}

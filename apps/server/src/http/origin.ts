import type { IncomingMessage } from "node:http";

/**
 * Browsers always send Origin on a WebSocket upgrade; cookies ride along, so a foreign page must not get in.
 * Allowed: the configured public URL, the extra allowed origins, and the host the request was sent to.
 * Clients with no Origin (SDK, CLI) authenticate with an API key instead.
 */
export function isOriginAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.has(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

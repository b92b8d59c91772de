import type { Server } from "node:http";
import { AppError } from "@atelier/shared";
import { sendError } from "./sendError.ts";

/**
 * Answers every request and WebSocket upgrade with 503 UNAVAILABLE (Retry-After: 1) until `open()`.
 * The server listens before its handlers exist (its URL needs the port), and Node holds a request
 * that no listener answers: a client reconnecting during a restart waited on a handshake forever
 * (the SDK's live stream stopped after a restart in about one run in eight). Clients retry a 503.
 */
export function answerWhileStarting(server: Server): { open(): void } {
  const starting = new AppError("UNAVAILABLE", "The server is starting; try again in a moment.", {
    retryAfterSec: 1,
  });
  const onRequest = (_req: unknown, res: Parameters<typeof sendError>[0]) => {
    res.setHeader("retry-after", "1");
    sendError(res, starting, { closing: true });
  };
  const onUpgrade = (_req: unknown, socket: { end(text: string): void }) => {
    socket.end(
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    );
  };
  server.on("request", onRequest);
  server.on("upgrade", onUpgrade);
  return {
    open() {
      server.off("request", onRequest);
      server.off("upgrade", onUpgrade);
    },
  };
}

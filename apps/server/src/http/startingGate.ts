import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { AppError } from "@atelier/shared";
import { refuseUpgrade, sendError } from "./sendError.ts";

/**
 * Answers every request and WebSocket upgrade with 503 UNAVAILABLE (Retry-After: 1) until `open()`.
 * The server listens before its handlers exist (its URL needs the port), and Node holds a request
 * that no listener answers: a client reconnecting during a restart waited on a handshake forever
 * (the SDK's live stream stopped after a restart in about one run in eight). Clients retry a 503.
 */
export function answerWhileStarting(server: Server): { open(): void } {
  const retryAfterSec = 1;
  const starting = new AppError("UNAVAILABLE", "The server is starting; try again in a moment.", {
    retryAfterSec,
  });
  const onRequest = (_req: unknown, res: Parameters<typeof sendError>[0]) =>
    sendError(res, starting, { closing: true });
  const onUpgrade = (_req: unknown, socket: Duplex) =>
    refuseUpgrade(socket, 503, "Service Unavailable", { "Retry-After": String(retryAfterSec) });
  server.on("request", onRequest);
  server.on("upgrade", onUpgrade);
  return {
    open() {
      server.off("request", onRequest);
      server.off("upgrade", onUpgrade);
    },
  };
}

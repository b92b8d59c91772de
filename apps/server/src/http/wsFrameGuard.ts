import type { WebSocket, WebSocketServer } from "ws";

/** Close code for a frame that breaks the server's rules (RFC 6455 "policy violation"). */
export const POLICY_VIOLATION = 1008;

/**
 * Closes a WebSocket that sends more than `maxBatch` calls in one frame, before tRPC sees the
 * frame. tRPC would refuse the batch too, but with one error message per call: a client sending
 * 1,000-call frames would make the server write a million messages a second. Register it on the
 * server before tRPC's handler, so its listener runs first.
 */
export function guardFrames(wss: WebSocketServer, maxBatch: number): void {
  wss.on("connection", (ws: WebSocket) => {
    const emit = ws.emit.bind(ws);
    ws.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === "message" && callsIn(args[0]) > maxBatch) {
        ws.close(POLICY_VIOLATION, `Send at most ${maxBatch} calls in one frame.`);
        return true;
      }
      return emit(event, ...args);
    }) as WebSocket["emit"];
  });
}

/** How many calls a frame carries: the length of a JSON array, else 1 (tRPC reports what does not parse). */
function callsIn(data: unknown): number {
  if (!Buffer.isBuffer(data)) return 1;
  let start = 0;
  while (
    start < data.length &&
    (data[start] === 0x20 || data[start] === 0x0a || data[start] === 0x0d || data[start] === 0x09)
  )
    start++;
  if (data[start] !== 0x5b /* [ */) return 1;
  try {
    const parsed: unknown = JSON.parse(data.toString("utf8"));
    return Array.isArray(parsed) ? parsed.length : 1;
  } catch {
    return 1;
  }
}

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
      if (event === "message" && callsIn(args[0], maxBatch) > maxBatch) {
        ws.close(POLICY_VIOLATION, `Send at most ${maxBatch} calls in one frame.`);
        return true;
      }
      return emit(event, ...args);
    }) as WebSocket["emit"];
  });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/**
 * How many calls a frame carries, counted only up to `limit + 1`: the elements of a top-level JSON
 * array, else 1. A scan rather than a parse, which stops as soon as the batch is known to be too
 * large (what does not parse is tRPC's to report).
 */
function callsIn(data: unknown, limit: number): number {
  if (!Buffer.isBuffer(data)) return 1;
  let i = 0;
  while (i < data.length && data[i]! <= 0x20) i++;
  if (data[i] !== 0x5b) return 1;
  let depth = 0;
  let inString = false;
  let calls = 1;
  for (; i < data.length && calls <= limit; i++) {
    const byte = data[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (OPENERS.has(byte)) depth++;
    else if (CLOSERS.has(byte)) depth--;
    else if (byte === COMMA && depth === 1) calls++;
  }
  return calls;
}

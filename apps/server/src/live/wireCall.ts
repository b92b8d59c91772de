import type { Encoder } from "@trpc/server/adapters/ws";

/**
 * The wire identity of one WebSocket subscription call: the `id` (and `jsonrpc`) the client sent,
 * which every frame of that subscription must carry. tRPC keeps it to itself; the live fan-out
 * (LiveFanout.ts) writes frames without tRPC's per-subscriber loop and so needs it.
 */
export interface WireCall {
  id: number | string;
  jsonrpc?: "2.0";
}

/**
 * Where the decoder leaves a subscription call's wire identity: on its input object, under a symbol,
 * which JSON cannot carry (no client can forge it), no schema sees (zod keeps only its own keys) and
 * tRPC's merge of `lastEventId` into the input copies along.
 */
export const WIRE_CALL: unique symbol = Symbol("atelier.wireCall");

const isRecord = (value: unknown): value is Record<string | symbol, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function annotate(message: unknown): void {
  if (!isRecord(message) || message.method !== "subscription") return;
  const { id, params } = message;
  if ((typeof id !== "number" && typeof id !== "string") || !isRecord(params) || !isRecord(params.input))
    return;
  const call: WireCall = message.jsonrpc === "2.0" ? { id, jsonrpc: "2.0" } : { id };
  params.input[WIRE_CALL] = call;
}

/** tRPC's JSON encoder, plus the wire identity of each subscription call on its input. */
export const wireCallEncoder: Encoder = {
  encode: (data) => JSON.stringify(data),
  decode: (data) => {
    if (typeof data !== "string") throw new Error("Send JSON in text frames.");
    const parsed: unknown = JSON.parse(data);
    if (Array.isArray(parsed)) for (const message of parsed) annotate(message);
    else annotate(parsed);
    return parsed;
  },
};

/** The wire identity the decoder left on a call's raw input, if it came over a WebSocket. */
export function wireCallOf(rawInput: unknown): WireCall | undefined {
  if (!isRecord(rawInput)) return undefined;
  const call = rawInput[WIRE_CALL];
  if (!isRecord(call)) return undefined;
  const { id, jsonrpc } = call;
  if (typeof id !== "number" && typeof id !== "string") return undefined;
  return jsonrpc === "2.0" ? { id, jsonrpc } : { id };
}

/** The start of every frame of a subscription: `{"id":…,` (and `"jsonrpc":"2.0",`). */
export function framePrefix(call: WireCall): string {
  return `{"id":${JSON.stringify(call.id)},${call.jsonrpc === "2.0" ? '"jsonrpc":"2.0",' : ""}`;
}

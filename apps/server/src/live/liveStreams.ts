import { observeEventLag } from "./eventLag.ts";
import { PROJECT_EVENTS_VERSION, type PresenceEvent, type ProjectEvent } from "@atelier/shared";
import { tracked } from "@trpc/server";
import type { WebSocket } from "ws";
import type { Services } from "../services.ts";
import type { WireCall } from "./wireCall.ts";

/** Where a subscription runs: on a WebSocket with its wire identity (the fast path), or elsewhere. */
export interface LiveCall {
  services: Services;
  socket?: WebSocket;
  wire?: WireCall;
}

/**
 * A durable stream (a project's, or a person's own) as a subscription: `stream.ready` first without
 * `lastEventId`, else the catch-up after it (`resync` when the stream no longer holds it), then live,
 * until `signal` aborts. On a WebSocket the fan-out writes the frames itself and this yields nothing;
 * elsewhere (server-sent events) it yields each event as tRPC's tracked envelope.
 */
export async function* durableStream(
  call: LiveCall,
  stream: string,
  lastEventId: string | null | undefined,
  signal: AbortSignal,
) {
  const { bus, live } = call.services;
  if (call.socket && call.wire) {
    await live.serveEvents({
      socket: call.socket,
      call: call.wire,
      stream,
      lastEventId: lastEventId ?? undefined,
      signal,
    });
    return;
  }
  const after = lastEventId ?? (await bus.lastEventId(stream));
  if (!lastEventId) {
    const ready: ProjectEvent = { v: PROJECT_EVENTS_VERSION, type: "stream.ready" };
    yield tracked(after, ready);
  }
  for await (const { id, event } of bus.events(stream, { afterId: after, signal })) {
    observeEventLag(id);
    yield tracked(id, event);
  }
}

/** Most presence events a slow reader of the generic path keeps; older ones are dropped. */
const PRESENCE_QUEUE = 100;

/** A project's presence as a subscription, untracked (it never moves a client's resume point). */
export async function* presenceStream(
  call: LiveCall,
  projectId: string,
  signal: AbortSignal,
): AsyncGenerator<PresenceEvent> {
  const { bus, live } = call.services;
  if (call.socket && call.wire) {
    await live.servePresence({ socket: call.socket, call: call.wire, projectId, signal });
    return;
  }
  const queue: PresenceEvent[] = [];
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  const unsubscribe = await bus.subscribePresence(projectId, (event) => {
    if (queue.length >= PRESENCE_QUEUE) queue.shift();
    queue.push(event);
    wake?.();
  });
  signal.addEventListener("abort", onAbort);
  try {
    while (!signal.aborted) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    unsubscribe();
  }
}

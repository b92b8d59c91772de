import { observeEventLag } from "./eventLag.ts";
import type { JobBus, ProjectEventEntry, Unsubscribe } from "@atelier/bus";
import { type Logger, type PresenceEvent, PROJECT_EVENTS_VERSION, type ProjectEvent } from "@atelier/shared";
import type { Socket } from "node:net";
import { WebSocket } from "ws";
import { framePrefix, type WireCall } from "./wireCall.ts";

/** How much a socket may hold unsent before the fan-out stops adding to it. */
export interface LiveLimits {
  /** Past this many bytes waiting in a socket, presence frames for it are dropped (the next move replaces them). */
  presenceMaxBuffered: number;
  /**
   * Past this, a durable stream stops writing to the socket: its events wait in the stream, not in
   * memory, and are read again from the last one written once the socket drained (a `resync` if the
   * stream trimmed them meanwhile).
   */
  eventsMaxBuffered: number;
  /** The socket has drained when at most this much waits. */
  eventsResumeBuffered: number;
  /** How often a lagging socket is looked at. */
  drainCheckMs: number;
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  presenceMaxBuffered: 64 * 1024,
  eventsMaxBuffered: 4 * 1024 * 1024,
  eventsResumeBuffered: 512 * 1024,
  drainCheckMs: 100,
};

/** A message's frames: its body serialised once, and the whole frame per distinct subscription prefix. */
interface Frames {
  body: string;
  byPrefix: Map<string, Buffer>;
}

export interface LiveStats {
  /** Subscriptions served now. */
  subscriptions: number;
  /** Presence frames dropped because a socket could not take them. */
  presenceDropped: number;
  /** Times a durable stream paused on a full socket (and re-read from the stream after). */
  lagged: number;
}

interface Serve {
  socket: WebSocket;
  call: WireCall;
  /** Ends the subscription (stop, socket closed, access ended). */
  signal: AbortSignal;
}

// ws sends a Buffer as a binary frame unless told otherwise; tRPC clients read text frames.
const TEXT = { binary: false } as const;

/**
 * Fans live events out to WebSocket subscribers below tRPC's per-subscriber machinery, in tRPC's wire
 * format: one bus listener per subscription (the bus reads each project once per process and decodes
 * each event once), each event serialised once into the body of a tRPC data frame, and that frame
 * written into every subscriber's socket. tRPC still registers, authorises, stops and ends each
 * subscription (`started`, `stopped`, errors); only the data frames go around it.
 */
export class LiveFanout {
  private readonly eventFrames = new WeakMap<ProjectEvent, Frames>();
  private readonly presenceFrames = new WeakMap<PresenceEvent, Frames>();
  private readonly counts: LiveStats = { subscriptions: 0, presenceDropped: 0, lagged: 0 };

  constructor(
    private readonly bus: JobBus,
    private readonly log: Logger,
    private readonly limits: LiveLimits = DEFAULT_LIVE_LIMITS,
  ) {}

  stats(): LiveStats {
    return { ...this.counts };
  }

  /**
   * Serves one durable stream (a project's, or a person's own) until `signal` aborts: `stream.ready`
   * first when there is no `lastEventId`, else the catch-up after it (or `resync` when the stream no
   * longer holds it), then live. Resolves when the subscription ended.
   */
  async serveEvents(options: Serve & { stream: string; lastEventId?: string }): Promise<void> {
    const { socket, signal, stream } = options;
    const prefix = framePrefix(options.call);
    const { limits, bus } = this;
    let cursor = options.lastEventId;
    let generation = 0;
    let unsubscribe: Unsubscribe | undefined;
    let drainTimer: ReturnType<typeof setInterval> | undefined;

    const write = (entry: ProjectEventEntry) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (socket.bufferedAmount > limits.eventsMaxBuffered) return pause();
      sendInTick(socket, this.eventFrame(entry, prefix));
      cursor = entry.id;
    };
    const follow = async (afterId: string) => {
      const mine = ++generation;
      const stop = await bus.subscribeEvents(stream, afterId, (entry) => {
        if (mine === generation) write(entry);
      });
      if (mine !== generation || signal.aborted) return stop();
      unsubscribe?.();
      unsubscribe = stop;
    };
    // The socket is full: stop listening; the stream keeps what follows, read again once it drained.
    const pause = () => {
      generation++;
      unsubscribe?.();
      unsubscribe = undefined;
      this.counts.lagged++;
      drainTimer ??= setInterval(() => {
        if (socket.bufferedAmount > limits.eventsResumeBuffered || signal.aborted) return;
        clearInterval(drainTimer);
        drainTimer = undefined;
        follow(cursor!).catch((err: unknown) => {
          this.log.warn({ err, stream }, "could not resume a live stream after its socket drained");
          pause();
        });
      }, limits.drainCheckMs);
    };

    this.counts.subscriptions++;
    try {
      if (cursor === undefined) {
        // A subscriber that has seen nothing yet still gets an id to resume from, so a reconnect misses nothing.
        cursor = await bus.lastEventId(stream);
        const ready: ProjectEvent = { v: PROJECT_EVENTS_VERSION, type: "stream.ready" };
        write({ id: cursor, projectId: stream, event: ready });
      }
      // Unless the socket was already too full for `stream.ready`: then the drain timer follows.
      if (!signal.aborted && drainTimer === undefined) await follow(cursor);
      if (!signal.aborted)
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    } finally {
      generation++;
      unsubscribe?.();
      clearInterval(drainTimer);
      this.counts.subscriptions--;
    }
  }

  /** Serves a project's presence until `signal` aborts; frames a full socket cannot take are dropped. */
  async servePresence(options: Serve & { projectId: string }): Promise<void> {
    const { socket, signal } = options;
    const prefix = framePrefix(options.call);
    const max = this.limits.presenceMaxBuffered;
    // Counted once the channel is subscribed, not before: presence is not stored, so what is published
    // before then never reaches this socket (a count taken earlier let a test send its update too soon).
    const unsubscribe = await this.bus.subscribePresence(options.projectId, (event) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (socket.bufferedAmount > max) {
        this.counts.presenceDropped++;
        return;
      }
      sendInTick(socket, this.presenceFrame(event, prefix));
    });
    this.counts.subscriptions++;
    try {
      if (!signal.aborted)
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    } finally {
      unsubscribe();
      this.counts.subscriptions--;
    }
  }

  /** `{id, jsonrpc?, result: {type: "data", id, data: {id, data: event}}}`, as tRPC writes a tracked event. */
  private eventFrame(entry: ProjectEventEntry, prefix: string): Buffer {
    let frames = this.eventFrames.get(entry.event);
    if (!frames) {
      // Once per event and process, when it starts going out: per socket, the histogram cost about a
      // tenth of the fan-out's CPU at 500 subscribers.
      observeEventLag(entry.id);
      const id = JSON.stringify(entry.id);
      const data = JSON.stringify(entry.event);
      frames = {
        body: `"result":{"type":"data","id":${id},"data":{"id":${id},"data":${data}}}}`,
        byPrefix: new Map(),
      };
      this.eventFrames.set(entry.event, frames);
    }
    return frameFor(frames, prefix);
  }

  /** `{id, jsonrpc?, result: {type: "data", data: event}}`: untracked, so it never moves a client's resume point. */
  private presenceFrame(event: PresenceEvent, prefix: string): Buffer {
    let frames = this.presenceFrames.get(event);
    if (!frames) {
      frames = { body: `"result":{"type":"data","data":${JSON.stringify(event)}}}`, byPrefix: new Map() };
      this.presenceFrames.set(event, frames);
    }
    return frameFor(frames, prefix);
  }
}

/** ws keeps the TCP socket it writes to here. */
type WithRawSocket = WebSocket & { _socket?: Socket };

const uncork = (raw: Socket) => raw.uncork();

/** Held back at most this much: what waits corked counts as unsent for the limits above. */
const CORK_FLUSH_BYTES = 16 * 1024;

/** Which tick this is (one count per turn of the event loop that sends anything). */
let tick = 0;
let tickCounted = false;
const endTick = () => {
  tick++;
  tickCounted = false;
};
function currentTick(): number {
  if (!tickCounted) {
    tickCounted = true;
    process.nextTick(endTick);
  }
  return tick;
}

/** The tick each socket was last written in. */
const lastWrite = new WeakMap<Socket, number>();

/**
 * Sends a frame. The frames a socket gets within one tick (the events of one stream read, which
 * arrive in batches when the server is busy) leave in one write call after the first instead of one
 * each: under load the batches grow and the system calls per frame shrink, as group commit does for
 * the database; a lone frame goes straight out, paying nothing for it.
 */
function sendInTick(socket: WebSocket, frame: Buffer): void {
  const raw = (socket as WithRawSocket)._socket;
  if (raw) {
    const now = currentTick();
    if (lastWrite.get(raw) !== now) lastWrite.set(raw, now);
    else if (raw.writableCorked === 0) {
      raw.cork();
      process.nextTick(uncork, raw);
    }
  }
  socket.send(frame, TEXT);
  if (raw && raw.writableCorked === 1 && raw.writableLength >= CORK_FLUSH_BYTES) {
    // A long tick (a large batch, big previews) leaves in pieces; the cork stays for the tick's end.
    raw.uncork();
    raw.cork();
  }
}

function frameFor(frames: Frames, prefix: string): Buffer {
  let frame = frames.byPrefix.get(prefix);
  if (!frame) {
    frame = Buffer.from(prefix + frames.body);
    frames.byPrefix.set(prefix, frame);
  }
  return frame;
}

import {
  AppError,
  type Logger,
  type PresenceEvent,
  type PresenceEventInput,
  presenceEventSchema,
} from "@atelier/shared";
import { z } from "zod";
import type { Unsubscribe } from "../JobBus.ts";

/**
 * Fire-and-forget messages on named channels: Redis pub/sub across processes, or a map in memory.
 * Nothing is stored; a subscriber hears what is published after its `subscribe` resolved.
 */
export interface PubSubTransport {
  sink: ((channel: string, message: string) => void) | undefined;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  close(): Promise<void>;
}

type PresenceListener = (event: PresenceEvent) => void;

/**
 * Presence on its own short-lived channel per project, apart from the durable event stream: checked
 * against the shared schema when published, decoded once per process when heard, handed to every
 * local listener of the project.
 */
export class PresenceChannel {
  private readonly listeners = new Map<string, Set<PresenceListener>>();
  private readonly subscribing = new Map<string, Promise<void>>();

  constructor(
    private readonly transport: PubSubTransport,
    private readonly channelOf: (projectId: string) => string,
    private readonly log: Logger,
  ) {
    transport.sink = (channel, message) => this.dispatch(channel, message);
  }

  async publish(projectId: string, event: PresenceEventInput): Promise<void> {
    const parsed = presenceEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new AppError("VALIDATION_ERROR", "That presence event does not match the event protocol.", {
        issues: z.treeifyError(parsed.error),
      });
    }
    await this.transport.publish(this.channelOf(projectId), JSON.stringify(parsed.data));
  }

  /** Resolves once the listener hears what is published from then on. */
  async subscribe(projectId: string, listener: PresenceListener): Promise<Unsubscribe> {
    const channel = this.channelOf(projectId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscribing.set(channel, this.transport.subscribe(channel));
    }
    set.add(listener);
    try {
      await this.subscribing.get(channel);
    } catch (err) {
      this.remove(channel, listener);
      throw err;
    }
    return () => this.remove(channel, listener);
  }

  private remove(channel: string, listener: PresenceListener): void {
    const set = this.listeners.get(channel);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(channel);
    this.subscribing.delete(channel);
    this.transport
      .unsubscribe(channel)
      .catch((err: unknown) => this.log.debug({ err, channel }, "presence unsubscribe failed"));
  }

  private dispatch(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set || set.size === 0) return;
    let event: PresenceEvent;
    try {
      const parsed = presenceEventSchema.safeParse(JSON.parse(message));
      if (!parsed.success) throw parsed.error;
      event = parsed.data;
    } catch (err) {
      this.log.warn({ err, channel }, "skipped a presence message that does not match its schema");
      return;
    }
    for (const listener of set) {
      try {
        listener(event);
      } catch (err) {
        this.log.error({ err }, "a presence listener threw");
      }
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.transport.close();
  }
}

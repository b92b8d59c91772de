import type { PubSubTransport } from "../presence/PresenceChannel.ts";

/** Pub/sub inside one process: a message reaches subscribed channels on the next microtask. */
export class MemoryPubSub implements PubSubTransport {
  sink: PubSubTransport["sink"];
  private readonly channels = new Set<string>();

  async publish(channel: string, message: string): Promise<void> {
    if (this.channels.has(channel)) queueMicrotask(() => this.sink?.(channel, message));
  }

  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
  }

  async close(): Promise<void> {
    this.channels.clear();
  }
}

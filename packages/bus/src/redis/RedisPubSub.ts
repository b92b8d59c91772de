import type { Redis } from "ioredis";
import type { PubSubTransport } from "../presence/PresenceChannel.ts";

/**
 * Redis pub/sub: publishes on the command connection, listens on a subscriber connection made on the
 * first subscribe (ioredis subscribes again by itself after a reconnect). Nothing is stored.
 */
export class RedisPubSub implements PubSubTransport {
  sink: PubSubTransport["sink"];
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly makeSubscriber: () => Redis,
  ) {}

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(channel, message);
  }

  async subscribe(channel: string): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = this.makeSubscriber();
      this.subscriber.on("message", (from: string, message: string) => this.sink?.(from, message));
    }
    await this.subscriber.subscribe(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    await this.subscriber?.unsubscribe(channel);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}

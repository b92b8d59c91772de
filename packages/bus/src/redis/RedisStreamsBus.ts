import { randomUUID } from "node:crypto";
import { createLogger, type Logger } from "@atelier/shared";
import type { Redis, RedisOptions } from "ioredis";
import { ComposedBus } from "../ComposedBus.ts";
import { BusChannels, topicKey } from "../events/BusChannels.ts";
import { type BusTuning, DEFAULT_TUNING } from "../JobBus.ts";
import { type BusKeys, busKeys } from "../keys.ts";
import { BlockingPool, createBlockingConnection, createCommandConnection } from "./connections.ts";
import { RedisJobQueue } from "./RedisJobQueue.ts";
import { RedisNodeRegistry } from "./RedisNodeRegistry.ts";
import { RedisTopicSource } from "./RedisTopicSource.ts";
import { PresenceChannel } from "../presence/PresenceChannel.ts";
import { RedisPubSub } from "./RedisPubSub.ts";
import { watchForDataLoss } from "./watchForDataLoss.ts";

export interface RedisStreamsBusOptions {
  redisUrl: string;
  prefix?: string;
  redisOptions?: RedisOptions;
  tuning?: Partial<BusTuning>;
  /** Longest single block of the event loop; following a new project wakes it sooner. */
  eventBlockMs?: number;
  logger?: Logger;
}

/** The job bus on Redis Streams, for many processes on many machines. */
export class RedisStreamsBus extends ComposedBus {
  readonly keys: BusKeys;
  readonly tuning: BusTuning;

  private constructor(
    keys: BusKeys,
    tuning: BusTuning,
    private readonly redis: Redis,
    private readonly blocking: BlockingPool,
    private readonly topics: RedisTopicSource,
    jobs: RedisJobQueue,
    channels: BusChannels,
    presence: PresenceChannel,
    log: Logger,
  ) {
    super(jobs, new RedisNodeRegistry(redis, keys), channels, presence);
    this.keys = keys;
    this.tuning = tuning;
    watchForDataLoss(redis, keys.epoch, () => this.notifyDataLoss(), log);
  }

  static create(options: RedisStreamsBusOptions): RedisStreamsBus {
    const keys = busKeys(options.prefix ?? "atelier");
    const tuning = { ...DEFAULT_TUNING, ...options.tuning };
    const log = options.logger ?? createLogger("bus");
    const settings = { url: options.redisUrl, options: options.redisOptions };
    const redis = createCommandConnection(settings, keys.connectionName("commands"));
    // Failures surface through the commands that hit them; the client reconnects by itself.
    redis.on("error", (err: unknown) => log.debug({ err }, "redis connection error"));
    const eventConnection = createBlockingConnection(settings, keys.connectionName("events"));
    eventConnection.on("error", (err: unknown) => log.debug({ err }, "redis event connection error"));
    const blocking = new BlockingPool(settings, keys.connectionName("claims"), log);
    const topics = new RedisTopicSource(
      redis,
      eventConnection,
      (topic) => topicKey(topic, keys),
      keys.wake(randomUUID()),
      options.eventBlockMs ?? 5000,
      log,
    );
    const channels = new BusChannels(topics, tuning.eventsMaxLen, log);
    const jobs = new RedisJobQueue(redis, blocking, keys, tuning, log);
    const pubSub = new RedisPubSub(redis, () => {
      const subscriber = createBlockingConnection(settings, keys.connectionName("presence"));
      subscriber.on("error", (err: unknown) => log.debug({ err }, "redis presence connection error"));
      return subscriber;
    });
    const presence = new PresenceChannel(pubSub, keys.presence, log);
    return new RedisStreamsBus(keys, tuning, redis, blocking, topics, jobs, channels, presence, log);
  }

  protected async shutdown(): Promise<void> {
    this.blocking.close();
    await this.topics.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

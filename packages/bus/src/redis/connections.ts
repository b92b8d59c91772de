import type { Logger } from "@atelier/shared";
import { type Cluster, Redis, type RedisOptions } from "ioredis";

/**
 * A command connection: one Redis, or a Redis Cluster. Every key a job script touches carries the
 * `{jobs}` hash tag (keys.ts), so each script runs on the one shard that owns that slot.
 */
export type RedisClient = Redis | Cluster;

export interface RedisConnectionSettings {
  url: string;
  options?: RedisOptions;
}

/**
 * The command connection pipelines automatically: concurrent publishes and acks from one
 * process share round trips. Blocking connections wait through reconnects instead of failing
 * their command, so the loops on them survive a Redis restart.
 */
export function createCommandConnection(settings: RedisConnectionSettings, name: string): Redis {
  return new Redis(settings.url, { ...settings.options, connectionName: name, enableAutoPipelining: true });
}

export function createBlockingConnection(settings: RedisConnectionSettings, name: string): Redis {
  return new Redis(settings.url, {
    ...settings.options,
    connectionName: name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
    lazyConnect: true,
  });
}

/**
 * Connections for blocking reads, one per waiting claim, created on demand and reused. `connect`
 * makes one (by default a blocking connection to `settings.url`; a Redis Cluster client for a cluster).
 */
export class BlockingPool {
  private readonly idle: RedisClient[] = [];
  private readonly all = new Set<RedisClient>();
  private closed = false;

  constructor(
    settings: RedisConnectionSettings,
    name: string,
    private readonly log: Logger,
    private readonly connect: () => RedisClient = () => createBlockingConnection(settings, name),
  ) {}

  acquire(): RedisClient {
    if (this.closed) throw new Error("The bus is closed.");
    const existing = this.idle.pop();
    if (existing) return existing;
    const connection = this.connect();
    connection.on("error", (err: unknown) => this.log.debug({ err }, "redis claim connection error"));
    this.all.add(connection);
    return connection;
  }

  release(connection: RedisClient): void {
    if (this.closed) connection.disconnect();
    else this.idle.push(connection);
  }

  close(): void {
    this.closed = true;
    for (const connection of this.all) connection.disconnect();
    this.all.clear();
    this.idle.length = 0;
  }
}

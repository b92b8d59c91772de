import type { Logger } from "@atelier/shared";
import { Redis, type RedisOptions } from "ioredis";

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

/** Connections for blocking reads, one per waiting claim, created on demand and reused. */
export class BlockingPool {
  private readonly idle: Redis[] = [];
  private readonly all = new Set<Redis>();
  private closed = false;

  constructor(
    private readonly settings: RedisConnectionSettings,
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  acquire(): Redis {
    if (this.closed) throw new Error("The bus is closed.");
    const existing = this.idle.pop();
    if (existing) return existing;
    const connection = createBlockingConnection(this.settings, this.name);
    connection.on("error", (err: unknown) => this.log.debug({ err }, "redis claim connection error"));
    this.all.add(connection);
    return connection;
  }

  release(connection: Redis): void {
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

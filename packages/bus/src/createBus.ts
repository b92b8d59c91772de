import type { Logger } from "@atelier/shared";
import type { RedisOptions } from "ioredis";
import type { BusTuning, JobBus } from "./JobBus.ts";
import { InProcessBus } from "./memory/InProcessBus.ts";
import { RedisStreamsBus } from "./redis/RedisStreamsBus.ts";

export interface CreateBusOptions {
  /** With a URL the bus runs on Redis Streams; without one it runs in this process (embedded mode). */
  redisUrl?: string;
  prefix?: string;
  redisOptions?: RedisOptions;
  tuning?: Partial<BusTuning>;
  eventBlockMs?: number;
  logger?: Logger;
}

export function createBus(options: CreateBusOptions = {}): JobBus {
  const { redisUrl, ...rest } = options;
  if (redisUrl) return RedisStreamsBus.create({ redisUrl, ...rest });
  return new InProcessBus(rest);
}

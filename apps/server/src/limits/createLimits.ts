import { AppError, type Logger } from "@atelier/shared";
import { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import { ReservedPoints } from "./reservedPoints.ts";
import { waitOf } from "./waitOf.ts";

/** How many points a key may spend per window, and how long it is blocked once it spent them. */
export interface LimitRule {
  points: number;
  durationSec: number;
  /** Blocked for this long after going over (default: until the window ends). */
  blockDurationSec?: number;
  /**
   * Counted in Redis in blocks of 1 % of `points`, spent by each server instance on its own (see
   * reservedPoints.ts): for limits every call counts against, where a round trip per call costs more
   * than a caller refused up to 1 % early. Limits with rewards and resets (sign-in) count exactly.
   */
  reserveBlocks?: boolean;
}

/** Most points one server instance reserves at once for a key. */
const MAX_BLOCK = 64;

/** One counted limit. Every operation is atomic in the store (a Lua script in Redis, one process in memory). */
export interface RateLimit {
  /** Spends points, or throws RATE_LIMITED with `details.retryAfterSec` when there are none left. */
  consume(key: string, points?: number): Promise<void>;
  /** Gives points back (an attempt that turned out legitimate). */
  reward(key: string, points?: number): Promise<void>;
  /** Forgets the key: its window starts afresh. */
  reset(key: string): Promise<void>;
}

export interface Limits {
  /** A limit by name; the same name gives the same counters on every server instance. */
  limit(name: string, rule: LimitRule, message: string): RateLimit;
  close(): Promise<void>;
}

/**
 * Rate limits of the whole server, behind one door: in Redis when `REDIS_URL` is set (shared by
 * every instance; an in-memory limiter stands in while Redis is unreachable), in memory otherwise
 * (embedded mode is one process, so memory is atomic and complete there). Built on
 * rate-limiter-flexible.
 */
export function createLimits(options: { redisUrl?: string; prefix: string; log: Logger }): Limits {
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
        // Counts of calls arriving together leave in one write: each write costs a system call, and a
        // submit counts twice (the caller's calls and the organization's submits).
        enableAutoPipelining: true,
      })
    : null;
  redis?.on("error", (err: unknown) => options.log.debug({ err }, "rate limit store unreachable"));

  const build = (name: string, rule: LimitRule): RateLimiterAbstract => {
    const base = {
      keyPrefix: `${options.prefix}:limits:${name}`,
      points: rule.points,
      duration: rule.durationSec,
      blockDuration: rule.blockDurationSec ?? 0,
    };
    if (!redis) return new RateLimiterMemory(base);
    return new RateLimiterRedis({
      ...base,
      storeClient: redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(base),
    });
  };

  return {
    limit(name, rule, message) {
      const limiter = build(name, rule);
      const reserved =
        redis && rule.reserveBlocks
          ? new ReservedPoints(limiter, Math.max(1, Math.min(MAX_BLOCK, Math.floor(rule.points / 100))))
          : null;
      return {
        consume: async (key, points = 1) => {
          try {
            await (reserved ? reserved.consume(key, points) : limiter.consume(key, points));
          } catch (err) {
            if (!(err instanceof RateLimiterRes)) throw err;
            const retryAfterSec = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
            throw new AppError("RATE_LIMITED", `${message} Try again in ${waitOf(retryAfterSec)}.`, {
              limit: name,
              retryAfterSec,
            });
          }
        },
        reward: async (key, points = 1) => {
          await limiter.reward(key, points);
        },
        reset: async (key) => {
          reserved?.forget(key);
          await limiter.delete(key);
        },
      };
    },
    close: async () => {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/** The Redis every test uses (scripts/test.sh sets it; a local one otherwise), apart by key prefix. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function randomPrefix(): string {
  return `test-bus-${randomBytes(6).toString("hex")}`;
}

/**
 * Deletes every key under `prefix` (the bus's, its limits', its fleet's: all are `prefix:…`); tests call
 * it after each run so runs side by side stay apart.
 */
export async function deleteKeys(prefix: string, redisUrl = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}

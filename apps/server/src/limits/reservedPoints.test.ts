import { randomBytes } from "node:crypto";
import { TEST_REDIS_URL } from "@atelier/bus/testing";
import { AppError, createLogger } from "@atelier/shared";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLimits, type LimitRule } from "./createLimits.ts";

const redisUrl = TEST_REDIS_URL;
const prefix = `test-reserved-${randomBytes(4).toString("hex")}`;
const log = createLogger("test", "silent");
/** Two server instances sharing one Redis, as a deployment with two processes. */
const instances = [createLimits({ redisUrl, prefix, log }), createLimits({ redisUrl, prefix, log })];

// Until its Redis connection is up, an instance counts in memory (the insurance limiter): wait for both.
beforeAll(async () => {
  const redis = new Redis(redisUrl);
  for (const [i, limits] of instances.entries()) {
    const probe = limits.limit("probe", { points: 1_000_000, durationSec: 60 }, "probe");
    while ((await redis.exists(`${prefix}:limits:probe:${i}`)) === 0) {
      await probe.consume(String(i));
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await redis.quit();
});

afterAll(async () => {
  await Promise.all(instances.map((l) => l.close()));
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const RULE: LimitRule = { points: 1000, durationSec: 60, reserveBlocks: true };

/** `calls` consumes of one key spread over both instances at once: how many went through, and the refusals. */
async function flood(name: string, key: string, calls: number) {
  const limits = instances.map((l) => l.limit(name, RULE, "Too many calls."));
  const answers = await Promise.allSettled(
    Array.from({ length: calls }, (_, i) => limits[i % 2]!.consume(key)),
  );
  const refusals = answers.flatMap((a) => (a.status === "rejected" ? [a.reason as unknown] : []));
  return { passed: calls - refusals.length, refusals };
}

describe("limits counted in blocks per server instance", () => {
  it("never lets more calls through than the limit across two instances, and refuses at most 1 % early on each", async () => {
    const { passed, refusals } = await flood("calls", "flooder", 1500);
    expect(passed).toBeLessThanOrEqual(1000);
    // A block is 1 % of the limit (10 points); each instance may hold part of one when the window runs out.
    expect(passed).toBeGreaterThanOrEqual(1000 - 2 * 9);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(AppError);
      expect((refusal as AppError).code).toBe("RATE_LIMITED");
      expect((refusal as AppError).details.retryAfterSec).toBeGreaterThan(0);
    }
  });

  it.each([250, 300, 301])(
    "keeps counting exactly to a limit of %i when calls come one at a time",
    async (points) => {
      const limit = instances[0]!.limit(`steady-${points}`, { ...RULE, points }, "Too many calls.");
      let passed = 0;
      for (let i = 0; i < points + 20; i++) {
        try {
          await limit.consume("steady");
          passed += 1;
        } catch (err) {
          expect((err as AppError).code).toBe("RATE_LIMITED");
        }
      }
      // Blocks never ask for more than Redis said was left, so the last points of the window are not lost.
      expect(passed).toBe(points);
    },
  );

  it("keeps each key's count apart, and a reset gives the key a fresh window", async () => {
    expect((await flood("apart", "a", 1100)).passed).toBeLessThanOrEqual(1000);
    expect((await flood("apart", "b", 50)).passed).toBe(50);
    const limit = instances[0]!.limit("apart", RULE, "Too many calls.");
    await limit.reset("a");
    await expect(limit.consume("a")).resolves.toBeUndefined();
  });
});

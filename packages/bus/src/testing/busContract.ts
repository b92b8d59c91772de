import { createLogger } from "@atelier/shared";
import { afterEach } from "vitest";
import type { BusTuning, Delivery, JobBus } from "../JobBus.ts";
import type { BusMessage } from "../message.ts";
import { InProcessBus } from "../memory/InProcessBus.ts";
import { RedisStreamsBus } from "../redis/RedisStreamsBus.ts";
import { deleteKeys, randomPrefix, TEST_REDIS_URL } from "./redisTestPrefix.ts";

/** What the bus contract tests share: both buses, and the jobs and nodes they talk about. */

export type MakeBus = (tuning?: Partial<BusTuning>) => JobBus;

const logger = createLogger("bus", "silent");

/**
 * Both implementations by name, for `describe.each`: each makes a fresh bus that is closed (and its
 * Redis keys deleted) after the test. Call it at the top of a test file, where it registers that cleanup.
 */
export function contractBuses(): Array<[string, MakeBus]> {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });
  return [
    [
      "InProcessBus",
      (tuning) => {
        const bus = new InProcessBus({ tuning, logger });
        cleanups.push(() => bus.close());
        return bus;
      },
    ],
    [
      "RedisStreamsBus",
      (tuning) => {
        const prefix = randomPrefix();
        const bus = RedisStreamsBus.create({ redisUrl: TEST_REDIS_URL, prefix, tuning, logger });
        cleanups.push(async () => {
          await bus.close();
          await deleteKeys(prefix);
        });
        return bus;
      },
    ],
  ];
}

export function job(jobId: string, overrides: Partial<BusMessage> = {}): BusMessage {
  return { jobId, attempt: 1, priority: "standard", vramMb: 0, projectId: "p1", ...overrides };
}

/** A claim by `consumer` with this much free VRAM, taking at most `max`, waiting at most `blockMs`. */
export const node = (consumer: string, freeVramMb = 0, max = 10, blockMs = 0) => ({
  consumer,
  freeVramMb,
  max,
  blockMs,
});
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const jobIds = (deliveries: Delivery[]) => deliveries.map((d) => d.message.jobId);

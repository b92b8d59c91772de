import type { Logger } from "@atelier/shared";
import type { Redis } from "ioredis";

/**
 * Marks the store with an epoch key on the first connect and checks for it on every reconnect:
 * a Redis restarted without persistence comes back empty, and the streams' messages with it.
 * The key never expires, so its absence means the data went, not that time passed.
 */
export function watchForDataLoss(redis: Redis, epochKey: string, onLoss: () => void, log: Logger): void {
  let connectedBefore = false;
  redis.on("ready", () => {
    const reconnect = connectedBefore;
    connectedBefore = true;
    redis
      .set(epochKey, String(Date.now()), "NX")
      .then((created) => {
        if (created === "OK" && reconnect) {
          log.warn("Redis came back without its data; asking for every queued job to be published again");
          onLoss();
        }
      })
      .catch((err: unknown) => log.debug({ err }, "could not check the bus epoch"));
  });
}

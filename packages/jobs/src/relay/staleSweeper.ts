import type { JobBus } from "@atelier/bus";
import type { Logger } from "@atelier/shared";
import type { JobLifecycle } from "../lifecycle/jobLifecycle.ts";
import type { JobTiming } from "../timing.ts";

export interface StaleSweeper {
  /** Runs one sweep now (after any running one); resolves with how many jobs it published again. */
  sweep(limits?: { runningOlderThanMs: number; queuedOlderThanMs: number }): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Calls the lifecycle's stale-job repair on a timer, at once when the bus reports lost data (every
 * queued job is published again, not just old ones), and at start when asked (an in-process bus
 * loses every message with its process). Sweeps never overlap.
 */
export function startStaleSweeper(options: {
  lifecycle: JobLifecycle;
  bus: JobBus;
  log: Logger;
  timing: Pick<JobTiming, "staleMs" | "sweepIntervalMs">;
  republishAllOnStart?: boolean;
}): StaleSweeper {
  const { lifecycle, bus, log, timing } = options;
  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();
  const regular = { runningOlderThanMs: timing.staleMs, queuedOlderThanMs: timing.staleMs };

  const sweep = (limits = regular): Promise<number> => {
    const result = chain.then(async () => {
      if (stopped) return 0;
      try {
        return await lifecycle.requeueStale(limits);
      } catch (err) {
        log.warn({ err }, "stale-job sweep failed; the next sweep retries");
        return 0;
      }
    });
    chain = result;
    return result;
  };

  const timer = setInterval(() => void sweep(), timing.sweepIntervalMs);
  const stopWatchingDataLoss = bus.onDataLoss(
    () => void sweep({ runningOlderThanMs: timing.staleMs, queuedOlderThanMs: 0 }),
  );
  if (options.republishAllOnStart) void sweep({ runningOlderThanMs: 0, queuedOlderThanMs: 0 });

  return {
    sweep,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      stopWatchingDataLoss();
      await chain;
    },
  };
}

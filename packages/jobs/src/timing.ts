import { AppError } from "@atelier/shared";
import { z } from "zod";

/**
 * Every lease, interval and timeout of the job engine, in one place. They depend on each other (a
 * running job renews its lease three times per lease; the stale sweep waits two leases), so all of
 * them derive from one setting, `BUS_LEASE_MS`, which the server and every node read the same way.
 */
export interface JobTiming {
  /** Idle time after which another node takes a delivery over (the bus's lease). */
  leaseMs: number;
  /** How often a running job extends its lease and touches its row. */
  leaseRenewMs: number;
  /** A running job whose row nobody touched for this long lost its node and is queued again. */
  staleMs: number;
  /** How often a node heartbeats its free memory; the heartbeat lives `heartbeatTtlMs`. */
  heartbeatMs: number;
  heartbeatTtlMs: number;
  /** Longest wait for work in one claim. */
  claimBlockMs: number;
  /** How long a stopping node waits for running jobs before handing them back. */
  drainTimeoutMs: number;
  /** How long a stopping node waits for handed-back jobs to settle. */
  handBackTimeoutMs: number;
  /** Time between outbox passes (they repair a crash between commit and publish). */
  outboxIntervalMs: number;
  /** Time between stale sweeps. */
  sweepIntervalMs: number;
  /** Longest wait for one publish to the bus before the outbox pass retries. */
  publishTimeoutMs: number;
  /** Retry backoff: full jitter up to min(retryCapMs, retryBaseMs * 2^(attempt-1)). */
  retryBaseMs: number;
  retryCapMs: number;
}

export const DEFAULT_LEASE_MS = 60_000;

/** The timing that follows from one lease; tests may override any derived value. */
export function jobTiming(overrides: Partial<JobTiming> = {}): JobTiming {
  const leaseMs = overrides.leaseMs ?? DEFAULT_LEASE_MS;
  return {
    leaseMs,
    leaseRenewMs: Math.max(100, Math.floor(leaseMs / 3)),
    staleMs: leaseMs * 2,
    heartbeatMs: 5000,
    heartbeatTtlMs: (overrides.heartbeatMs ?? 5000) * 3,
    claimBlockMs: 1000,
    drainTimeoutMs: 30_000,
    handBackTimeoutMs: 10_000,
    outboxIntervalMs: 2000,
    sweepIntervalMs: Math.max(1000, Math.floor(leaseMs / 2)),
    publishTimeoutMs: 10_000,
    retryBaseMs: 1000,
    retryCapMs: 60_000,
    ...overrides,
  };
}

/** `BUS_LEASE_MS` as the server and the nodes both parse it (same default, same message). */
export const leaseMsSetting = z.coerce
  .number({ error: "BUS_LEASE_MS must be milliseconds, e.g. 60000." })
  .int("BUS_LEASE_MS must be a whole number of milliseconds.")
  .min(1000, "BUS_LEASE_MS must be at least 1000: a lease shorter than a second is lost to any pause.")
  .default(DEFAULT_LEASE_MS);

/** Rejects with TIMEOUT when `promise` takes longer than `ms` (the promise itself runs on). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError("TIMEOUT", `${what} took longer than ${ms} ms.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Exponential backoff with full jitter: a random delay in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffDelayMs(
  failedAttempt: number,
  baseMs: number,
  capMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, failedAttempt - 1));
  return Math.floor(random() * ceiling);
}

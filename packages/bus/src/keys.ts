import { AppError } from "@atelier/shared";
import { PRIORITY_CLASSES, type PriorityClass } from "@atelier/shared";
import { VRAM_TIERS_GIB, type VramTier } from "./tiers.ts";

/**
 * Every Redis key and stream name of the bus. Keys that a Lua script touches together share a
 * hash tag, so the bus works on Redis Cluster: `{jobs}` (job streams, retries, dead letters,
 * dedupe marks), `{nodes}` (node registry), `{events}` (project event streams, the control
 * stream, the access-change stream and wake-up keys, so one XREAD covers every followed project). The in-process bus uses
 * the same names so deliveries and stats look alike in both modes.
 */
export const CONSUMER_GROUP = "workers";

export interface JobStream {
  key: string;
  priority: PriorityClass;
  tier: VramTier;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_.:-]{1,100}$/;

export function assertValidPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new AppError("CONFIG_ERROR", "The bus key prefix may only hold letters, digits and _ . : -", {
      prefix,
    });
  }
}

/** The fairness key of a message: its organization, or one shared key for messages without one. */
export function orgKeyOf(orgId: string | undefined): string {
  return orgId ?? NO_ORG;
}
export const NO_ORG = "_";

/** Unambiguous: the attempt is the last segment and only digits. */
export function dedupeMember(jobId: string, attempt: number): string {
  return `${jobId}:${attempt}`;
}

export function busKeys(prefix: string) {
  assertValidPrefix(prefix);
  const jobs = `${prefix}:{jobs}`;
  const nodes = `${prefix}:{nodes}`;
  const events = `${prefix}:{events}`;
  const stream = (priority: PriorityClass, tier: VramTier): string => `${jobs}:stream:${priority}:${tier}`;
  /** Canonical order: priority classes high to low, tiers ascending. Lua scripts rely on it. */
  const jobStreams: JobStream[] = PRIORITY_CLASSES.flatMap((priority) =>
    VRAM_TIERS_GIB.map((tier) => ({ key: stream(priority, tier), priority, tier })),
  );
  return {
    prefix,
    stream,
    jobStreams,
    /**
     * Waiting jobs sit in front of each job stream, one list per organization, and a ring of the
     * organizations with waiting jobs; a claim takes from them round-robin. Derived from the stream
     * key by suffix, as the Lua scripts derive them.
     */
    ring: (streamKey: string): string => `${streamKey}:ring`,
    waiting: (streamKey: string, orgKey: string): string => `${streamKey}:wait:${orgKey}`,
    /** Touched by every publish, so a waiting claim wakes at once. */
    jobsWake: `${jobs}:wake`,
    retries: `${jobs}:retries`,
    deadLetters: `${jobs}:dead`,
    /** Sorted set of recently published `dedupeMember`s, scored by expiry. */
    published: `${jobs}:published`,
    /** Written once per bus; finding it gone after a reconnect means Redis lost its data. */
    epoch: `${prefix}:epoch`,
    nodeIndex: `${nodes}:index`,
    node: (id: string): string => `${nodes}:node:${id}`,
    projectEvents: (projectId: string): string => `${events}:project:${projectId}`,
    control: `${events}:control`,
    /** A project's presence pub/sub channel (nothing stored under it). */
    presence: (projectId: string): string => `${events}:presence:${projectId}`,
    /** Access changes (sign-outs, revoked keys, memberships) every server instance follows. */
    access: `${events}:access`,
    wake: (instanceId: string): string => `${events}:wake:${instanceId}`,
    connectionName: (role: string): string => `${prefix}:bus:${role}`.replace(/[^A-Za-z0-9_.:-]/g, "_"),
  };
}
export type BusKeys = ReturnType<typeof busKeys>;

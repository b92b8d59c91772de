/**
 * The simulated fleet and work, drawn from a seeded generator so every run sees the same mix.
 * Durations are real milliseconds, short enough that 100,000 jobs pass in under a minute.
 */
import type { PriorityClass } from "@atelier/shared";

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, weighted: Array<[T, number]>): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) return value;
  }
  return weighted.at(-1)![0];
}

export interface SimJob {
  jobId: string;
  priority: PriorityClass;
  vramMb: number;
  orgId: string;
  durationMs: number;
}

export interface SimNodeSpec {
  id: string;
  vramMb: number;
  /** Jobs it runs at once at most (memory permitting). */
  slots: number;
  /** When it joins, ms after the start. */
  joinAtMs: number;
  /** When it goes: gracefully (leave) or not (die), ms after the start; undefined stays to the end. */
  exit?: { atMs: number; kind: "leave" | "die" };
}

/** VRAM of the fleet's nodes, GiB: CPU-only boxes to 80 GiB cards. */
const NODE_VRAM_GIB: Array<[number, number]> = [
  [0, 10],
  [8, 15],
  [12, 10],
  [16, 20],
  [24, 20],
  [48, 15],
  [80, 10],
];

/** Peak VRAM of jobs, MiB (the tier is the smallest ≥ it): most are small, a few need a big card. */
const JOB_VRAM_MB: Array<[number, number]> = [
  [0, 30],
  [1500, 15],
  [3500, 15],
  [7000, 15],
  [14000, 10],
  [22000, 8],
  [40000, 5],
  [70000, 2],
];

const CLASSES: Array<[PriorityClass, number]> = [
  ["interactive", 20],
  ["pro", 20],
  ["standard", 30],
  ["batch", 30],
];

/** Run time range per class, ms: batch jobs are the long ones (some outlive a third of the lease). */
const DURATION_MS: Record<PriorityClass, [number, number]> = {
  interactive: [100, 400],
  pro: [200, 800],
  standard: [300, 1200],
  batch: [500, 3000],
};

export function makeJobs(count: number, organizations: number, random: () => number): SimJob[] {
  // A few organizations submit most of the work (Zipf-like weights).
  const orgs: Array<[string, number]> = Array.from({ length: organizations }, (_, i) => [
    `org-${i}`,
    1 / (i + 1),
  ]);
  return Array.from({ length: count }, (_, i) => {
    const priority = pick(random, CLASSES);
    const [lo, hi] = DURATION_MS[priority];
    return {
      jobId: `job-${i}`,
      priority,
      vramMb: pick(random, JOB_VRAM_MB),
      orgId: pick(random, orgs),
      durationMs: Math.round(lo + random() * (hi - lo)),
    };
  });
}

/**
 * The fleet: 80 % there at the start (joining over the first second), the rest joining during the
 * run; over the run about 10 % leave gracefully and 5 % die with jobs in hand.
 */
export function makeFleet(count: number, runMs: number, random: () => number): SimNodeSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const vramMb = pick(random, NODE_VRAM_GIB) * 1024;
    const early = random() < 0.8;
    const joinAtMs = early ? Math.round(random() * 1000) : Math.round(1000 + random() * runMs * 0.6);
    const fate = random();
    const exitAt = Math.round(joinAtMs + 2000 + random() * runMs * 0.5);
    const exit =
      fate < 0.1
        ? { atMs: exitAt, kind: "leave" as const }
        : fate < 0.15
          ? { atMs: exitAt, kind: "die" as const }
          : undefined;
    return { id: `node-${i}`, vramMb, slots: vramMb === 0 ? 2 : 4, joinAtMs, exit };
  });
}

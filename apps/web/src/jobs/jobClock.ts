import type { JobStepView, JobView } from "@atelier/shared";

export interface JobClock {
  startedAt: Date | null;
  /** Time spent so far (running) or in all (finished); null before it started. */
  elapsedMs: number | null;
  /** An estimate of the time left while it runs; null when nothing is known yet. */
  leftMs: number | null;
}

/**
 * When a job started, how long it has been going or took, and while it runs the time left: the expected
 * time of the steps still to do (learned from earlier runs), the running step's share by its progress.
 */
export function jobClock(
  job: Pick<JobView, "status" | "startedAt" | "finishedAt" | "progress"> & { steps: JobStepView[] },
  now: number,
): JobClock {
  const startedAt = job.startedAt ? new Date(job.startedAt) : null;
  if (!startedAt) return { startedAt: null, elapsedMs: null, leftMs: null };
  const end = job.finishedAt && job.status !== "running" ? new Date(job.finishedAt).getTime() : now;
  const elapsedMs = Math.max(0, end - startedAt.getTime());
  if (job.status !== "running") return { startedAt, elapsedMs, leftMs: null };
  let left = 0;
  for (const step of job.steps) {
    if (step.status === "succeeded" || step.status === "skipped") continue;
    if (step.expectedMs === null) return { startedAt, elapsedMs, leftMs: byPace(elapsedMs, job.progress) };
    const running = step.status === "running";
    const stepElapsed = running && step.startedAt ? now - new Date(step.startedAt).getTime() : 0;
    // A step slower than expected has at least what its progress says is left.
    const byProgress =
      running && step.progress > 0.05 ? (stepElapsed * (1 - step.progress)) / step.progress : 0;
    left += running ? Math.max(step.expectedMs * (1 - step.progress), byProgress) : step.expectedMs;
  }
  return { startedAt, elapsedMs, leftMs: Math.round(left) };
}

function byPace(elapsedMs: number, progress: number): number | null {
  return progress > 0.05 ? Math.round((elapsedMs * (1 - progress)) / progress) : null;
}

/** "0.4 s", "12 s", "1 min 5 s", "2 h 3 min". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ""}`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}

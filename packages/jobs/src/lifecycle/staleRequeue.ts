import { and, asc, eq, lt, or, schema } from "@atelier/db";
import { busMessageOf, type JobRow } from "../jobRow.ts";
import { current, queuedAgain } from "./jobGuards.ts";
import type { JobLifecycleOptions } from "./lifecycleOptions.ts";
import { endAttempt, lostNode } from "./transitionRows.ts";

const { jobs } = schema;

/** How long a job may sit untouched before the sweep repairs it. */
export interface StaleLimits {
  /** A running job whose node stopped touching it this long is queued as a new attempt (node lost). */
  runningOlderThanMs: number;
  /** A queued job nobody claimed this long is published again (message lost). */
  queuedOlderThanMs: number;
}

/**
 * The lifecycle's repair of lost messages and lost nodes (`JobLifecycle.requeueStale`): a queued job
 * nobody claimed for `queuedOlderThanMs` is published again; a running job whose node stopped touching
 * it for `runningOlderThanMs` is queued as a new attempt, its old attempt ended as lost. Safe on many
 * servers at once (rows are locked, skip-locked). Returns how many jobs were published.
 */
export async function requeueStaleJobs(
  options: Pick<JobLifecycleOptions, "db" | "bus" | "timing" | "log">,
  limits: StaleLimits,
  emitQueued: (job: JobRow) => Promise<void>,
): Promise<number> {
  const { db, bus, timing } = options;
  const now = Date.now();
  const { published, requeued } = await db.transaction(async (tx) => {
    const stale = await tx
      .select()
      .from(jobs)
      .where(
        or(
          and(eq(jobs.status, "queued"), lt(jobs.updatedAt, new Date(now - limits.queuedOlderThanMs))),
          and(eq(jobs.status, "running"), lt(jobs.updatedAt, new Date(now - limits.runningOlderThanMs))),
        ),
      )
      .orderBy(asc(jobs.updatedAt))
      .limit(500)
      .for("update", { skipLocked: true });
    const requeued: JobRow[] = [];
    const toPublish: JobRow[] = [];
    for (const job of stale) {
      if (job.status === "running") {
        const [row] = await tx
          .update(jobs)
          .set(queuedAgain(job.attempt + 1))
          .where(current(job.id, job.attempt, ["running"]))
          .returning();
        if (!row) continue;
        await endAttempt(tx, job.id, job.attempt, lostNode(job.nodeId, "the stale-job sweep"));
        requeued.push(row);
        toPublish.push(row);
      } else {
        await tx
          .update(jobs)
          .set({ updatedAt: new Date() })
          .where(current(job.id, job.attempt, ["queued"]));
        toPublish.push(job);
      }
    }
    if (toPublish.length === 0) return { published: 0, requeued };
    const results = await bus.publishMany(toPublish.map(busMessageOf));
    return { published: results.filter((r) => r.published).length, requeued };
  });
  for (const job of requeued) await emitQueued(job);
  if (published > 0) options.log.info({ published, leaseMs: timing.leaseMs }, "re-published stale jobs");
  return published;
}

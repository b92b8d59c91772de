import { and, type Database, eq, inArray, isNotNull, isNull, lt, schema } from "@atelier/db";
import { DELETE_UNDO_MS, type Logger, type ProjectEventInput } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import type { JobRow } from "../jobRow.ts";
import { loadJobView, toOutputView } from "../jobView.ts";

const { jobs, jobOutputs } = schema;

/**
 * Deleting jobs and outputs with undo: a deleted row is hidden from every list at once and comes back
 * with `restore` during DELETE_UNDO_MS; after that `purgeDeleted` removes its files from storage, then
 * its rows. A job still queued or running is cancelled first (JobLifecycle.delete).
 */
export class JobDeletion {
  constructor(
    private readonly options: { db: Database; storage: ObjectStorage; log: Logger },
    private readonly emit: (projectId: string, event: ProjectEventInput) => Promise<void>,
  ) {}

  /** Hides the job; null when it is gone or already deleted. */
  async markDeleted(jobId: string): Promise<{ job: JobRow; undoUntil: Date } | null> {
    const [job] = await this.options.db
      .update(jobs)
      .set({ deletedAt: new Date() })
      .where(and(eq(jobs.id, jobId), isNull(jobs.deletedAt)))
      .returning();
    if (!job) return null;
    const undoUntil = new Date(job.deletedAt!.getTime() + DELETE_UNDO_MS);
    await this.emit(job.projectId, { type: "job.deleted", jobId, undoUntil: undoUntil.toISOString() });
    return { job, undoUntil };
  }

  /** Undoes a delete while the job is still there (a cancelled job stays cancelled); null when it is not. */
  async restore(jobId: string): Promise<JobRow | null> {
    const [job] = await this.options.db
      .update(jobs)
      .set({ deletedAt: null })
      .where(and(eq(jobs.id, jobId), isNotNull(jobs.deletedAt)))
      .returning();
    if (!job) return null;
    const view = await loadJobView(this.options.db, this.options.storage, jobId);
    await this.emit(job.projectId, { type: "job.restored", jobId, job: view });
    return job;
  }

  /** Hides one output of a job; null when it is gone or already deleted. */
  async deleteOutput(job: JobRow, outputId: string): Promise<{ undoUntil: Date } | null> {
    const [row] = await this.options.db
      .update(jobOutputs)
      .set({ deletedAt: new Date() })
      .where(and(eq(jobOutputs.id, outputId), eq(jobOutputs.jobId, job.id), isNull(jobOutputs.deletedAt)))
      .returning({ deletedAt: jobOutputs.deletedAt });
    if (!row) return null;
    const undoUntil = new Date(row.deletedAt!.getTime() + DELETE_UNDO_MS);
    await this.emit(job.projectId, {
      type: "job.output.deleted",
      jobId: job.id,
      outputId,
      undoUntil: undoUntil.toISOString(),
    });
    return { undoUntil };
  }

  async restoreOutput(job: JobRow, outputId: string): Promise<boolean> {
    const [row] = await this.options.db
      .update(jobOutputs)
      .set({ deletedAt: null })
      .where(and(eq(jobOutputs.id, outputId), eq(jobOutputs.jobId, job.id), isNotNull(jobOutputs.deletedAt)))
      .returning();
    if (!row) return false;
    const output = await toOutputView(this.options.storage, row);
    await this.emit(job.projectId, { type: "job.output.restored", jobId: job.id, output });
    return true;
  }

  /**
   * Removes what was deleted longer ago than the undo window: output files and thumbnails from storage,
   * then the rows (a job's steps, attempts and outputs go with it). Returns how many jobs and outputs.
   */
  async purgeDeleted(now = Date.now()): Promise<{ jobs: number; outputs: number; files: number }> {
    const { db, storage, log } = this.options;
    const before = new Date(now - DELETE_UNDO_MS);
    const [deadJobs, deadOutputs] = await Promise.all([
      db.select({ id: jobs.id }).from(jobs).where(lt(jobs.deletedAt, before)).limit(200),
      db.select().from(jobOutputs).where(lt(jobOutputs.deletedAt, before)).limit(500),
    ]);
    const jobIds = deadJobs.map((j) => j.id);
    const outputsOfJobs = jobIds.length
      ? await db.select().from(jobOutputs).where(inArray(jobOutputs.jobId, jobIds))
      : [];
    const keys = [...deadOutputs, ...outputsOfJobs].flatMap((o) =>
      o.thumbnailKey ? [o.storageKey, o.thumbnailKey] : [o.storageKey],
    );
    // Files first: a crash in between leaves rows the next pass purges again, never files nobody knows.
    for (const key of keys) await storage.delete(key);
    if (deadOutputs.length) {
      await db.delete(jobOutputs).where(
        inArray(
          jobOutputs.id,
          deadOutputs.map((o) => o.id),
        ),
      );
    }
    if (jobIds.length) await db.delete(jobs).where(inArray(jobs.id, jobIds));
    if (jobIds.length || deadOutputs.length) {
      log.info(
        { jobs: jobIds.length, outputs: deadOutputs.length, files: keys.length },
        "deleted jobs purged",
      );
    }
    return { jobs: jobIds.length, outputs: deadOutputs.length, files: keys.length };
  }
}

import { and, type Database, eq, schema, sql } from "@atelier/db";
import type { Logger } from "@atelier/shared";

const { jobs, jobSteps } = schema;
/** Progress reaches the job row at most this often; live events carry every change. */
const PROGRESS_WRITE_MS = 1000;

/**
 * Writes a run's step states and progress in order, off the pipeline's path. Every write holds only
 * while the run's attempt is the job's current one and it is running, so a run that was taken over
 * cannot paint its steps over the new attempt's.
 */
export class StepRecorder {
  private chain: Promise<void> = Promise.resolve();
  private lastProgressWrite = 0;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly jobId: string,
    private readonly attempt: () => number,
  ) {}

  started(index: number) {
    this.write(() =>
      this.db
        .update(jobSteps)
        .set({ status: "running", startedAt: new Date() })
        .where(and(this.step(index), this.currentRun())),
    );
  }

  progress(overall: number) {
    const now = Date.now();
    if (now - this.lastProgressWrite < PROGRESS_WRITE_MS) return;
    this.lastProgressWrite = now;
    this.write(() =>
      this.db
        .update(jobs)
        .set({ progress: overall })
        .where(and(eq(jobs.id, this.jobId), eq(jobs.attempt, this.attempt()), eq(jobs.status, "running"))),
    );
  }

  finished(index: number, images: number, files: number) {
    this.write(() =>
      this.db
        .update(jobSteps)
        .set({ status: "succeeded", progress: 1, finishedAt: new Date(), outputs: { images, files } })
        .where(and(this.step(index), this.currentRun())),
    );
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private step(index: number) {
    return and(eq(jobSteps.jobId, this.jobId), eq(jobSteps.index, index));
  }

  private currentRun() {
    return sql`exists (select 1 from ${jobs} where ${jobs.id} = ${this.jobId} and ${jobs.attempt} = ${this.attempt()} and ${jobs.status} = 'running')`;
  }

  private write(query: () => PromiseLike<unknown>) {
    this.chain = this.chain
      .then(
        () => query(),
        () => undefined,
      )
      .then(
        () => undefined,
        (err: unknown) => this.log.warn({ err, jobId: this.jobId }, "step status not written"),
      );
  }
}

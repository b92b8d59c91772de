import type { AppRouter } from "@atelier/server/router";
import {
  type ErrorCode,
  isEndedJobStatus,
  type JobEvent,
  type JobOutputView,
  type JobView,
  type ProjectEvent,
} from "@atelier/shared";
import type { TRPCClient } from "@trpc/client";
import { AtelierError, toAtelierError, whileUnreachable } from "./errors.ts";

/** An asset to run on: as `upload()` answered it (which names its project), or its id. */
export type AssetRef = string | { id: string; projectId: string };

export interface RunOptions {
  /** Needed when the assets are given as ids. */
  projectId?: string;
  /** "edited" (default): each asset as its edit document shows it; "original": the upload as it came. */
  source?: "edited" | "original";
}

/** A job being followed: its typed events as they happen, and how it ended. */
export interface RunHandle extends AsyncIterable<JobEvent> {
  /** The job as the server accepted it (queued). Rejects with the refusal's code (`INSUFFICIENT_CREDITS`, ...). */
  readonly job: Promise<JobView>;
  /** The id of the last event received: where the stream resumes after a reconnect. */
  readonly lastEventId: string | null;
  /** Resolves with the finished job (outputs with download URLs); throws the job's failure code, or CANCELLED. */
  result(): Promise<JobView>;
  /** Cancels the job (between steps); the handle then ends with `job.cancelled`. */
  cancel(): Promise<JobView>;
  /** Saves one of this job's outputs into a folder or to a file path. */
  download(output: JobOutputView, dest: string, options?: { overwrite?: boolean }): Promise<string>;
}

type Client = TRPCClient<AppRouter>;
type Download = (output: JobOutputView, dest: string, options?: { overwrite?: boolean }) => Promise<string>;

const terminalTypes: ReadonlySet<string> = new Set([
  "job.succeeded",
  "job.failed",
  "job.cancelled",
  "job.deleted",
]);

/**
 * One job's events from its project's live stream. The subscription starts before the job is created
 * (or looked up), so nothing it does is missed; tRPC's wsClient resends the last event id when the
 * socket reconnects, so a server restart or a dropped connection loses no event either. A `resync`
 * event (the stream was trimmed past the last id) makes it ask the job's state instead.
 */
class JobEvents {
  readonly events: JobEvent[] = [];
  lastEventId: string | null = null;
  private jobId: string | null = null;
  private early: JobEvent[] = [];
  private ended = false;
  private failure: AtelierError | null = null;
  private wake: Array<() => void> = [];
  private unsubscribe: (() => void) | null = null;
  private ready!: () => void;
  readonly started = new Promise<void>((resolve) => {
    this.ready = resolve;
  });
  private startFailed!: (err: AtelierError) => void;
  readonly startError = new Promise<never>((_, reject) => {
    this.startFailed = reject;
  });

  constructor(private readonly trpc: Client) {
    // Nobody may be awaiting it: an unhandled rejection must not end the process.
    this.startError.catch(() => {});
  }

  subscribe(projectId: string): void {
    const subscription = this.trpc.projects.events.subscribe(
      { projectId },
      {
        onData: ({ id, data }) => {
          this.lastEventId = id;
          this.receive(data);
        },
        onError: (err) => this.fail(toAtelierError(err)),
        onComplete: () => {
          if (!this.ended) this.fail(new AtelierError("UNAVAILABLE", "The server ended the event stream."));
        },
      },
    );
    this.unsubscribe = () => subscription.unsubscribe();
  }

  /** From now on only this job's events count; those that came before its id was known are replayed. */
  follow(job: JobView): void {
    this.jobId = job.id;
    const early = this.early;
    this.early = [];
    for (const event of early) this.receive(event);
    if (isEndedJobStatus(job.status)) this.push(terminalEventOf(job));
  }

  private receive(event: ProjectEvent): void {
    if (event.type === "stream.ready") {
      this.ready();
    } else if (isResync(event)) {
      void this.resync();
    } else if (isJobEvent(event)) {
      if (this.jobId === null) this.early.push(event);
      else if (event.jobId === this.jobId) this.push(event);
    }
  }

  private async resync(): Promise<void> {
    if (!this.jobId) return;
    try {
      const job = await whileUnreachable(() => this.trpc.jobs.get.query({ jobId: this.jobId! }));
      if (isEndedJobStatus(job.status)) this.push(terminalEventOf(job));
    } catch (err) {
      this.fail(toAtelierError(err));
    }
  }

  private push(event: JobEvent): void {
    if (this.ended) return;
    this.events.push(event);
    if (terminalTypes.has(event.type)) this.end();
    this.notify();
  }

  fail(error: AtelierError): void {
    if (this.ended) return;
    this.failure = error;
    this.startFailed(error);
    this.end();
    this.notify();
  }

  private end(): void {
    this.ended = true;
    this.unsubscribe?.();
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const wake of waiting) wake();
  }

  /** Every event from the first, then each as it comes; every iteration sees all of them. */
  async *iterate(): AsyncGenerator<JobEvent> {
    for (let next = 0; ; ) {
      while (next < this.events.length) yield this.events[next++]!;
      if (this.ended) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  async last(): Promise<JobEvent> {
    for await (const _ of this.iterate()) {
      // Drain: only the end matters here.
    }
    return this.events.at(-1)!;
  }
}

function isJobEvent(event: ProjectEvent): event is JobEvent {
  return event.type.startsWith("job.");
}

/** `resync` is sent when a stream was trimmed past a subscriber's last id (a newer server). */
function isResync(event: { type: string }): boolean {
  return event.type === "resync";
}

/** The event a finished job's view stands for, when the stream cannot say it any more. */
function terminalEventOf(job: JobView): JobEvent {
  if (job.status === "succeeded") return { v: 1, type: "job.succeeded", jobId: job.id, outputs: job.outputs };
  if (job.status === "cancelled") return { v: 1, type: "job.cancelled", jobId: job.id };
  return {
    v: 1,
    type: "job.failed",
    jobId: job.id,
    attempt: job.attempt,
    error: job.error ?? { code: "INTERNAL", message: "The job failed." },
  };
}

function handleOf(trpc: Client, stream: JobEvents, job: Promise<JobView>, download: Download): RunHandle {
  job.catch(() => {});
  return {
    job,
    get lastEventId() {
      return stream.lastEventId;
    },
    [Symbol.asyncIterator]: () => stream.iterate(),
    async result() {
      const { id } = await job;
      const last = await stream.last();
      if (last.type === "job.failed")
        throw new AtelierError(last.error.code as ErrorCode, last.error.message, { jobId: id });
      if (last.type === "job.cancelled")
        throw new AtelierError("CANCELLED", "The job was cancelled.", { jobId: id });
      if (last.type === "job.deleted")
        throw new AtelierError("NOT_FOUND", "The job was deleted.", { jobId: id });
      // The view as of now: outputs with fresh signed URLs.
      return whileUnreachable(() => trpc.jobs.get.query({ jobId: id }));
    },
    async cancel() {
      const { id } = await job;
      try {
        return await trpc.jobs.cancel.mutate({ jobId: id });
      } catch (err) {
        throw toAtelierError(err);
      }
    },
    download,
  };
}

/** Subscribes, waits until the stream has a position, then creates the job: no event can slip by. */
export function startRun(
  trpc: Client,
  run: {
    preset: string;
    assets: readonly AssetRef[];
    params: Record<string, unknown>;
    options: RunOptions;
    download: Download;
  },
): RunHandle {
  const stream = new JobEvents(trpc);
  const job = (async () => {
    const projectId =
      run.options.projectId ??
      run.assets.find((a): a is { id: string; projectId: string } => typeof a !== "string")?.projectId;
    if (!projectId) {
      throw new AtelierError(
        "VALIDATION_ERROR",
        "Pass the assets as upload() answered them, or give options.projectId with asset ids.",
      );
    }
    stream.subscribe(projectId);
    await Promise.race([stream.started, stream.startError]);
    try {
      const created = await trpc.jobs.create.mutate({
        projectId,
        assetIds: run.assets.map((a) => (typeof a === "string" ? a : a.id)),
        preset: run.preset,
        params: run.params,
        ...(run.options.source ? { source: run.options.source } : {}),
      });
      stream.follow(created);
      return created;
    } catch (err) {
      const error = toAtelierError(err);
      stream.fail(error);
      throw error;
    }
  })();
  job.catch((err: unknown) => stream.fail(toAtelierError(err)));
  return handleOf(trpc, stream, job, run.download);
}

/** Follows an existing job: subscribes first, then reads its state, so its end is never missed. */
export function attachToJob(trpc: Client, jobId: string, download: Download): RunHandle {
  const stream = new JobEvents(trpc);
  const job = (async () => {
    try {
      const first = await trpc.jobs.get.query({ jobId });
      stream.subscribe(first.projectId);
      await Promise.race([stream.started, stream.startError]);
      const now = await trpc.jobs.get.query({ jobId });
      stream.follow(now);
      return now;
    } catch (err) {
      const error = toAtelierError(err);
      stream.fail(error);
      throw error;
    }
  })();
  return handleOf(trpc, stream, job, download);
}

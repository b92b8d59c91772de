import type { JobBus } from "@atelier/bus";
import type { JobEventInput, Logger } from "@atelier/shared";

/**
 * Appends a job's events to its project stream in the order they happen, without making the
 * pipeline wait for the bus; `flush()` waits for everything sent so far. A lost progress
 * event is only logged: the job's result is in the database either way.
 */
export class EventSink {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: JobBus,
    private readonly projectId: string,
    private readonly log: Logger,
  ) {}

  send(event: JobEventInput): void {
    this.chain = this.chain.then(() =>
      this.bus.appendEvent(this.projectId, event).then(
        () => undefined,
        (err: unknown) =>
          this.log.warn({ err, type: event.type, jobId: event.jobId }, "job event not appended"),
      ),
    );
  }

  flush(): Promise<void> {
    return this.chain;
  }
}

import type { Executor } from "@atelier/db";
import type { WebhookEventType } from "@atelier/shared";
import type { JobOutputRow, JobRow } from "../jobRow.ts";
import { enqueueWebhookEvent } from "../webhooks/enqueue.ts";
import { jobEventData } from "../webhooks/payloads.ts";

export interface JobWebhookSettings {
  /** How long a delivery is retried (DEFAULT_WEBHOOK_RETRY_WINDOW_MS by default). */
  retryWindowMs?: number;
  /** Wakes this process's dispatcher after a commit wrote deliveries (others find them when they poll). */
  written?: () => void;
}

/**
 * The webhook deliveries of a job's end (succeeded, failed, cancelled), written in the transaction
 * that ends it, so a delivery exists exactly when the end does.
 */
export class JobWebhooks {
  constructor(private readonly settings: JobWebhookSettings | undefined) {}

  /** Writes the deliveries of a job's end, in the transaction that ends it. */
  async enqueue(
    tx: Executor,
    type: WebhookEventType,
    job: JobRow,
    outputs: readonly JobOutputRow[] = [],
  ): Promise<void> {
    await enqueueWebhookEvent(
      tx,
      {
        orgId: job.orgId,
        type,
        jobId: job.id,
        data: jobEventData(job, outputs),
        jobWebhook: { url: job.webhookUrl, events: job.webhookEvents },
      },
      this.settings?.retryWindowMs,
    );
  }

  /** After the commit: tells this process's dispatcher there is something to send. */
  written(): void {
    this.settings?.written?.();
  }
}

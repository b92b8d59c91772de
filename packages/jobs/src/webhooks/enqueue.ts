import { randomUUID } from "node:crypto";
import { type Executor, rowsOf, sql } from "@atelier/db";
import type { WebhookEventType } from "@atelier/shared";

/** How long a delivery is retried before it is given up (Standard Webhooks' usual: about a day). */
export const DEFAULT_WEBHOOK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface WebhookEvent {
  orgId: string;
  type: WebhookEventType;
  /** The `data` of the payload: what happened, by ids and plain values (no expiring URLs). */
  data: Record<string, unknown>;
  jobId?: string;
  /** The job's own webhook, when it has one. */
  jobWebhook?: { url: string | null; events: readonly string[] | null };
}

/**
 * Writes one message for every enabled endpoint of the organization that takes this event type
 * (and the job's own URL), as pending deliveries: call it with the transaction that makes the
 * change, so the message exists exactly when the change does. One statement; returns how many.
 */
export async function enqueueWebhookEvent(
  tx: Executor,
  event: WebhookEvent,
  retryWindowMs = DEFAULT_WEBHOOK_RETRY_WINDOW_MS,
): Promise<number> {
  const now = new Date();
  const messageId = `msg_${randomUUID().replaceAll("-", "")}`;
  const payload = JSON.stringify({ type: event.type, timestamp: now.toISOString(), data: event.data });
  const giveUpAt = new Date(now.getTime() + retryWindowMs).toISOString();
  const { url: jobUrl, events: jobEvents } = event.jobWebhook ?? { url: null, events: null };
  const wantsJobUrl = jobUrl !== null && (jobEvents === null || jobEvents.includes(event.type));
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`
      insert into webhook_deliveries (org_id, endpoint_id, job_id, url, event_type, message_id, payload,
                                      give_up_at)
      select ${event.orgId}::uuid, e.id, ${event.jobId ?? null}::uuid, e.url, ${event.type}::text,
             ${messageId}::text, ${payload}::jsonb, ${giveUpAt}::timestamptz
      from webhook_endpoints e
      where e.org_id = ${event.orgId}::uuid and e.disabled_at is null
        and ${event.type}::text = any(e.event_types)
      union all
      select ${event.orgId}::uuid, null::uuid, ${event.jobId ?? null}::uuid, ${jobUrl}::text, ${event.type}::text,
             ${messageId}::text, ${payload}::jsonb, ${giveUpAt}::timestamptz
      where ${wantsJobUrl}::boolean
      returning id`),
  );
  return rows.length;
}

import { type Database, eq, rowsOf, schema, sql } from "@atelier/db";
import type { Logger } from "@atelier/shared";
import type { AddressPolicy } from "./addressPolicy.ts";
import { jobWebhookSecrets } from "./secrets.ts";
import { postWebhook, type SendResult } from "./send.ts";
import { activeSecrets, type SigningSecrets, signedHeaders } from "./signing.ts";

export interface WebhookSettings extends AddressPolicy {
  /** The first retry's delay; each next one doubles, up to `retryCapMs`, with ±20 % jitter. */
  retryBaseMs: number;
  retryCapMs: number;
  /** How long a delivery is retried before it is given up. */
  retryWindowMs: number;
  /** A receiver that has not answered by then counts as failed. */
  timeoutMs: number;
  /** How often due deliveries are looked for (a commit in this process also wakes the dispatcher). */
  pollMs: number;
  /** Deliveries sent at once by one dispatcher. */
  concurrency: number;
  /** How long finished deliveries stay in the log. */
  logRetentionMs: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowPrivate: false,
  retryBaseMs: 5_000,
  retryCapMs: 4 * 60 * 60 * 1000,
  retryWindowMs: 24 * 60 * 60 * 1000,
  timeoutMs: 15_000,
  pollMs: 1_000,
  concurrency: 16,
  logRetentionMs: 30 * 24 * 60 * 60 * 1000,
};

/** How often the log is pruned of deliveries older than `logRetentionMs`. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function webhookRetryDelayMs(
  attempts: number,
  s: Pick<WebhookSettings, "retryBaseMs" | "retryCapMs">,
) {
  const exact = Math.min(s.retryCapMs, s.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exact * (0.8 + Math.random() * 0.4));
}

export interface WebhookDispatcher {
  /** Looks for due deliveries soon (after a commit that wrote some). */
  kick(): void;
  /** Runs one pass and resolves when it is done; for tests. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

interface DueDelivery {
  id: string;
  org_id: string;
  endpoint_id: string | null;
  url: string;
  message_id: string;
  payload: unknown;
  attempts: number;
  give_up_at: Date | string;
  endpoint_disabled: boolean | null;
}

/**
 * Sends the webhook outbox: takes due deliveries (`for update skip locked`, so any number of servers
 * share the work), leases them for the send, signs each with the target's active secrets, POSTs it
 * and records the attempt. A failure is retried with exponential backoff until `give_up_at`; a
 * process that dies mid-send leaves a lease that expires into a retry. Finished deliveries leave the
 * log after `logRetentionMs`.
 */
export function startWebhookDispatcher(options: {
  db: Database;
  log: Logger;
  settings: WebhookSettings;
}): WebhookDispatcher {
  const { db, log, settings } = options;
  // Long enough for a send to finish before another instance could take the delivery again.
  const leaseMs = settings.timeoutMs * 2 + 5_000;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let pending = false;

  const claim = async (): Promise<DueDelivery[]> =>
    rowsOf<DueDelivery>(
      await db.execute(sql`
        with due as (
          select id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= now()
          order by next_attempt_at
          limit ${settings.concurrency}
          for update skip locked
        )
        update webhook_deliveries d
        set attempts = d.attempts + 1,
            next_attempt_at = now() + ${`${leaseMs} milliseconds`}::interval
        from due
        where d.id = due.id
        returning d.id, d.org_id, d.endpoint_id, d.url, d.message_id, d.payload, d.attempts, d.give_up_at,
          (select e.disabled_at is not null from webhook_endpoints e where e.id = d.endpoint_id)
            as endpoint_disabled`),
    );

  const secretsOf = async (d: DueDelivery): Promise<SigningSecrets | null> => {
    if (!d.endpoint_id) return jobWebhookSecrets(db, d.org_id);
    const [endpoint] = await db
      .select()
      .from(schema.webhookEndpoints)
      .where(eq(schema.webhookEndpoints.id, d.endpoint_id));
    return endpoint ?? null;
  };

  const deliver = async (d: DueDelivery): Promise<void> => {
    const secrets = await secretsOf(d);
    let result: SendResult;
    if (!secrets || d.endpoint_disabled) {
      result = { ok: false, statusCode: null, error: "The endpoint is disabled.", durationMs: 0 };
    } else {
      const body = JSON.stringify(d.payload);
      result = await postWebhook({
        url: d.url,
        headers: signedHeaders(activeSecrets(secrets), d.message_id, body),
        body,
        timeoutMs: settings.timeoutMs,
        policy: settings,
      });
    }
    await record(d, result);
  };

  const record = async (d: DueDelivery, result: SendResult) => {
    const now = Date.now();
    const delay = webhookRetryDelayMs(d.attempts, settings);
    const giveUp = !result.ok && (d.endpoint_disabled || now + delay > new Date(d.give_up_at).getTime());
    const status = result.ok ? "succeeded" : giveUp ? "failed" : "pending";
    await db.transaction(async (tx) => {
      await tx.insert(schema.webhookAttempts).values({
        deliveryId: d.id,
        attempt: d.attempts,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
      });
      await tx
        .update(schema.webhookDeliveries)
        .set({
          status,
          lastStatusCode: result.statusCode,
          lastError: result.error,
          lastDurationMs: result.durationMs,
          nextAttemptAt: new Date(now + (status === "pending" ? delay : 0)),
          finishedAt: status === "pending" ? null : new Date(now),
        })
        .where(eq(schema.webhookDeliveries.id, d.id));
    });
    const fields = { deliveryId: d.id, attempt: d.attempts, statusCode: result.statusCode };
    if (result.ok) log.debug(fields, "webhook delivered");
    else if (giveUp) log.warn({ ...fields, error: result.error }, "webhook given up");
    else log.info({ ...fields, error: result.error, retryInMs: delay }, "webhook failed; will retry");
  };

  const pass = async () => {
    try {
      for (;;) {
        const due = await claim();
        await Promise.all(
          due.map((d) =>
            deliver(d).catch((err: unknown) =>
              log.error(
                { err, deliveryId: d.id },
                "webhook delivery not recorded; its lease expires into a retry",
              ),
            ),
          ),
        );
        if (stopped || due.length < settings.concurrency) return;
      }
    } catch (err) {
      log.warn({ err }, "webhook pass failed; the next pass retries");
    }
  };

  // Passes never overlap, and any number of kicks while one runs make one more pass.
  const schedule = () => {
    if (pending) return running;
    pending = true;
    running = running.then(async () => {
      pending = false;
      if (!stopped) await pass();
    });
    return running;
  };
  const timer = setInterval(() => void schedule(), settings.pollMs);
  timer.unref();
  const prune = async () => {
    try {
      await db.execute(sql`
        delete from webhook_deliveries
        where status <> 'pending' and finished_at < now() - ${`${settings.logRetentionMs} milliseconds`}::interval`);
    } catch (err) {
      log.warn({ err }, "webhook log not pruned; the next hour tries again");
    }
  };
  const pruning = setInterval(() => void prune(), PRUNE_EVERY_MS);
  pruning.unref();
  void schedule();

  return {
    kick: () => void schedule(),
    flush: () => schedule(),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      clearInterval(pruning);
      await running;
    },
  };
}

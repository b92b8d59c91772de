import { type BusMessage, busMessageSchema, type JobBus } from "@atelier/bus";
import { and, asc, type Database, eq, inArray, isNull, lt, or, schema, sql } from "@atelier/db";
import type { Logger } from "@atelier/shared";
import { JOB_PUBLISH_TOPIC, type JobRow, jobMessage } from "./jobMessage.ts";
import { withTimeout } from "./timing.ts";

export interface DispatcherOptions {
  db: Database;
  bus: JobBus;
  log: Logger;
  /** Time between periodic outbox passes (which repair a crash between commit and publish). Default 2000. */
  intervalMs?: number;
  /** Time between reconcile passes. Default 30 000. */
  reconcileIntervalMs?: number;
  /**
   * A queued or running job whose row nobody touched for this long is published again: its bus
   * message may have been lost with Redis data, or its node died. Running jobs' nodes touch the
   * row every lease renewal, so this must be well above that (default 120 000).
   */
  staleMs?: number;
  /**
   * Publish every queued or running job once at start. Only for an in-process bus (embedded
   * mode), where a restart loses every message and no other process runs jobs.
   */
  republishAllOnStart?: boolean;
  /** Rows per pass. Default 500. */
  batchSize?: number;
}

export interface Dispatcher {
  /** Publishes waiting outbox rows now (call after a submit); passes never overlap. */
  kick(): void;
  /**
   * Publishes a job just committed straight away, so it is claimable without waiting for a pass.
   * Its outbox row stays the safety net: the next pass marks it (the bus drops the second publish),
   * and a failure here is left to that pass.
   */
  publishNow(job: JobRow): Promise<void>;
  /** Runs one outbox pass and resolves when it is done; for tests and shutdown. */
  flush(): Promise<void>;
  /** Runs one reconcile pass now; resolves with how many jobs it published again. */
  reconcile(olderThanMs?: number): Promise<number>;
  stop(): Promise<void>;
}

const PUBLISH_TIMEOUT_MS = 10_000;

/**
 * Moves outbox rows to the bus and repairs lost messages. Safe with many instances: each pass
 * locks the rows it takes with `for update skip locked`, and the bus drops a double publish
 * of one job attempt.
 */
export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, bus, log } = options;
  const intervalMs = options.intervalMs ?? 2000;
  const reconcileIntervalMs = options.reconcileIntervalMs ?? 30_000;
  const staleMs = options.staleMs ?? 120_000;
  const batchSize = options.batchSize ?? 500;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  // Jobs publishNow put on the bus: their outbox rows are marked in one statement per pass rather
  // than published a second time (which the bus would drop, at a cost paid in bursts).
  const publishedNow = new Set<string>();

  const markPublishedNow = async () => {
    if (publishedNow.size === 0) return;
    const jobIds = [...publishedNow];
    publishedNow.clear();
    try {
      await db
        .update(schema.outbox)
        .set({ publishedAt: new Date() })
        .where(
          and(
            isNull(schema.outbox.publishedAt),
            eq(schema.outbox.topic, JOB_PUBLISH_TOPIC),
            sql`${schema.outbox.payload}->>'jobId' = any(${`{${jobIds.join(",")}}`}::text[])`,
          ),
        );
    } catch (err) {
      for (const id of jobIds) publishedNow.add(id);
      throw err;
    }
  };

  const publishPass = async (): Promise<number> =>
    db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(schema.outbox)
        .where(isNull(schema.outbox.publishedAt))
        .orderBy(asc(schema.outbox.id))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return 0;
      const messages: BusMessage[] = [];
      for (const row of rows) {
        const parsed = row.topic === JOB_PUBLISH_TOPIC ? busMessageSchema.safeParse(row.payload) : undefined;
        if (parsed?.success) messages.push(parsed.data);
        else
          log.error({ outboxId: row.id, topic: row.topic }, "outbox row is not a job message; marked done");
      }
      if (messages.length > 0) await withTimeout(bus.publishMany(messages), PUBLISH_TIMEOUT_MS, "publish");
      await tx
        .update(schema.outbox)
        .set({ publishedAt: new Date() })
        .where(
          inArray(
            schema.outbox.id,
            rows.map((r) => r.id),
          ),
        );
      return rows.length;
    });

  const drainOutbox = async () => {
    try {
      await markPublishedNow();
      while (!stopped && (await publishPass()) === batchSize) {}
    } catch (err) {
      log.warn({ err }, "outbox pass failed; the next pass retries");
    }
  };

  const schedule = () => {
    if (pending) return running;
    pending = true;
    running = running.then(async () => {
      pending = false;
      if (!stopped) await drainOutbox();
    });
    return running;
  };

  // Running jobs' nodes keep their rows fresh; only a queued job can be stale for a lost message alone.
  const reconcile = async (olderThanMs = staleMs, queuedOlderThanMs = olderThanMs): Promise<number> => {
    try {
      return await db.transaction(async (tx) => {
        const stale = await tx
          .select()
          .from(schema.jobs)
          .where(
            or(
              and(
                eq(schema.jobs.status, "queued"),
                lt(schema.jobs.updatedAt, new Date(Date.now() - queuedOlderThanMs)),
              ),
              and(
                eq(schema.jobs.status, "running"),
                lt(schema.jobs.updatedAt, new Date(Date.now() - olderThanMs)),
              ),
            ),
          )
          .orderBy(asc(schema.jobs.updatedAt))
          .limit(batchSize)
          .for("update", { skipLocked: true });
        if (stale.length === 0) return 0;
        const now = new Date();
        for (const job of stale) {
          // A stale running job lost its node; queued again, the next claim (or takeover) runs it.
          await tx
            .update(schema.jobs)
            .set(
              job.status === "running"
                ? { status: "queued", nodeId: null, updatedAt: now }
                : { updatedAt: now },
            )
            .where(and(eq(schema.jobs.id, job.id), eq(schema.jobs.attempt, job.attempt)));
        }
        const results = await withTimeout(
          bus.publishMany(stale.map(jobMessage)),
          PUBLISH_TIMEOUT_MS,
          "publish",
        );
        const republished = results.filter((r) => r.published).length;
        if (republished > 0)
          log.info({ republished, checked: stale.length }, "re-published jobs with no live message");
        return republished;
      });
    } catch (err) {
      log.warn({ err }, "reconcile pass failed; the next pass retries");
      return 0;
    }
  };

  const outboxTimer = setInterval(() => void schedule(), intervalMs);
  const reconcileTimer = setInterval(() => {
    running = running.then(() => (stopped ? undefined : reconcile().then(() => undefined)));
  }, reconcileIntervalMs);
  const stopWatchingDataLoss = bus.onDataLoss(() => {
    running = running.then(() => (stopped ? undefined : reconcile(staleMs, 0).then(() => undefined)));
  });
  if (options.republishAllOnStart) running = running.then(() => reconcile(0).then(() => undefined));
  void schedule();

  return {
    kick: () => void schedule(),
    publishNow: async (job) => {
      try {
        await withTimeout(bus.publish(jobMessage(job)), PUBLISH_TIMEOUT_MS, "publish");
        publishedNow.add(job.id);
      } catch (err) {
        log.warn({ err, jobId: job.id }, "publish after submit failed; the outbox pass retries");
        void schedule();
      }
    },
    flush: () => schedule(),
    reconcile: (olderThanMs) => {
      const result = running.then(() => reconcile(olderThanMs));
      running = result.then(() => undefined);
      return result;
    },
    stop: async () => {
      stopped = true;
      clearInterval(outboxTimer);
      clearInterval(reconcileTimer);
      stopWatchingDataLoss();
      await running;
    },
  };
}

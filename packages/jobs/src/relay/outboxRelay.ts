import { type BusMessage, busMessageSchema, type JobBus } from "@atelier/bus";
import { and, asc, type Database, inArray, isNull, schema } from "@atelier/db";
import type { Logger } from "@atelier/shared";
import { busMessageOf, JOB_PUBLISH_TOPIC, type JobRow } from "../jobRow.ts";
import { type JobTiming, withTimeout } from "../timing.ts";

/** Rows one outbox pass takes. */
const OUTBOX_BATCH = 500;

/**
 * Rows published at submit that are marked as soon as this many have gathered, not only at the next
 * pass: at 500 submits a second a pass every 2 s had 1 000 rows to mark, in one statement that held
 * its connection (and the queries queued behind it) for tens of milliseconds.
 */
const MARK_BATCH = 100;

/** What the lifecycle needs from the relay after it committed a job's outbox row. */
export interface JobPublisher {
  /**
   * Publishes a job just committed straight away, so it is claimable without waiting for a pass.
   * Its outbox row (`outboxId`) stays the safety net: the next pass marks it, and a failure here is
   * left to it.
   */
  publishNow(job: JobRow, outboxId: number): Promise<void>;
  /** Runs an outbox pass soon (after a commit whose job was not published at once). */
  kick(): void;
}

export interface OutboxRelay extends JobPublisher {
  /** Runs one outbox pass and resolves when it is done; for tests and shutdown. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Moves committed outbox rows to the bus. Safe with many instances: each pass locks the rows it
 * takes with `for update skip locked`, and the bus drops a double publish of one job attempt.
 */
export function startOutboxRelay(options: {
  db: Database;
  bus: JobBus;
  log: Logger;
  timing: Pick<JobTiming, "outboxIntervalMs" | "publishTimeoutMs">;
}): OutboxRelay {
  const { db, bus, log, timing } = options;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  // Outbox rows of the jobs publishNow put on the bus: marked by primary key, in batches, rather than
  // published a second time (which the bus would drop, at a cost paid in bursts). Matched by the
  // payload's job id instead, 1 000 rows cost Postgres 17 ms (5 ms by key).
  const publishedNow = new Set<number>();
  let marking: Promise<void> | null = null;

  const markPublishedNow = async () => {
    if (publishedNow.size === 0) return;
    const ids = [...publishedNow];
    publishedNow.clear();
    try {
      await db
        .update(schema.outbox)
        .set({ publishedAt: new Date() })
        .where(and(inArray(schema.outbox.id, ids), isNull(schema.outbox.publishedAt)));
    } catch (err) {
      for (const id of ids) publishedNow.add(id);
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
        .limit(OUTBOX_BATCH)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return 0;
      const messages: BusMessage[] = [];
      for (const row of rows) {
        const parsed = row.topic === JOB_PUBLISH_TOPIC ? busMessageSchema.safeParse(row.payload) : undefined;
        if (parsed?.success) messages.push(parsed.data);
        else
          log.error({ outboxId: row.id, topic: row.topic }, "outbox row is not a job message; marked done");
      }
      if (messages.length > 0) {
        await withTimeout(bus.publishMany(messages), timing.publishTimeoutMs, "publish");
      }
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

  const drain = async () => {
    try {
      await markPublishedNow();
      while (!stopped && (await publishPass()) === OUTBOX_BATCH) {}
    } catch (err) {
      log.warn({ err }, "outbox pass failed; the next pass retries");
    }
  };

  const markSoon = () => {
    if (marking || stopped || publishedNow.size < MARK_BATCH) return;
    marking = markPublishedNow()
      .catch((err: unknown) => log.warn({ err }, "outbox rows not marked; the next pass retries"))
      .finally(() => {
        marking = null;
      });
  };

  // Passes never overlap, and any number of kicks while one runs make one more pass.
  const schedule = () => {
    if (pending) return running;
    pending = true;
    running = running.then(async () => {
      pending = false;
      if (!stopped) await drain();
    });
    return running;
  };

  const timer = setInterval(() => void schedule(), timing.outboxIntervalMs);
  void schedule();

  return {
    kick: () => void schedule(),
    publishNow: async (job, outboxId) => {
      try {
        await withTimeout(bus.publish(busMessageOf(job)), timing.publishTimeoutMs, "publish");
        publishedNow.add(outboxId);
        markSoon();
      } catch (err) {
        log.warn({ err, jobId: job.id }, "publish after submit failed; the outbox pass retries");
        void schedule();
      }
    },
    flush: () => schedule(),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await Promise.all([running, marking]);
    },
  };
}

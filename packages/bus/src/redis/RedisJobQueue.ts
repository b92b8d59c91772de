import { AppError, type Logger } from "@atelier/shared";
import { readOrder, RoundCounter } from "../claimOrder.ts";
import {
  decodeErrors,
  decodeMessage,
  parseClaimOptions,
  parseErrors,
  parseMessage,
  requeuedMessage,
  retryMessage,
} from "../messageCodec.ts";
import type {
  BusStats,
  BusTuning,
  ClaimOptions,
  DeadLetter,
  Delivery,
  PublishResult,
  RequeueOptions,
  RetryOptions,
} from "../JobBus.ts";
import { type BusKeys, CONSUMER_GROUP, dedupeMember, orgKeyOf } from "../keys.ts";
import type { AttemptError, BusMessage } from "../message.ts";
import { isStreamId } from "../streamId.ts";
import { tierForVramMb } from "../tiers.ts";
import type { BlockingPool, RedisClient } from "./connections.ts";
import { scripts } from "./scripts.ts";

const PROMOTE_AT_MOST = 500;
const PUBLISH_CHUNK = 500;

type ClaimReply = [Array<string | number>, string, number, number, number];

/** The job half of the Redis bus: streams per class and tier, one consumer group, Lua where it must be atomic. */
export class RedisJobQueue {
  private readonly rounds = new RoundCounter();
  private readonly streamIndex = new Map<string, number>();
  private readonly reclaimEveryMs: number;
  private lastReclaimAt = 0;
  private closed = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly blocking: BlockingPool,
    private readonly keys: BusKeys,
    private readonly tuning: BusTuning,
    private readonly log: Logger,
  ) {
    keys.jobStreams.forEach((s, i) => {
      this.streamIndex.set(s.key, i + 1);
    });
    this.reclaimEveryMs = Math.max(50, Math.min(1000, Math.floor(tuning.leaseMs / 2)));
  }

  async publish(input: BusMessage): Promise<PublishResult> {
    const [result] = await this.publishMany([input]);
    return result!;
  }

  /** One script call per stream and chunk, so a dispatcher pass costs a few round trips, not one per job. */
  async publishMany(inputs: BusMessage[]): Promise<PublishResult[]> {
    const messages = inputs.map(parseMessage);
    const byStream = new Map<string, number[]>();
    messages.forEach((message, i) => {
      const stream = this.streamOf(message);
      const indexes = byStream.get(stream) ?? [];
      indexes.push(i);
      byStream.set(stream, indexes);
    });
    const results: PublishResult[] = new Array(messages.length);
    const calls: Array<Promise<void>> = [];
    for (const [stream, indexes] of byStream) {
      for (let from = 0; from < indexes.length; from += PUBLISH_CHUNK) {
        const chunk = indexes.slice(from, from + PUBLISH_CHUNK);
        const args = chunk.flatMap((i) => {
          const m = messages[i]!;
          return [dedupeMember(m.jobId, m.attempt), orgKeyOf(m.orgId), JSON.stringify(m)];
        });
        calls.push(
          scripts.publish
            .run(
              this.redis,
              [stream, this.keys.published, this.keys.jobsWake],
              [this.tuning.dedupeTtlMs, ...args],
            )
            .then((reply) => {
              (reply as Array<number | null>).forEach((queued, k) => {
                results[chunk[k]!] = { published: queued === 1, stream };
              });
            }),
        );
      }
    }
    await Promise.all(calls);
    return results;
  }

  async claim(input: ClaimOptions): Promise<Delivery[]> {
    const options = parseClaimOptions(input);
    const deadline = Date.now() + options.blockMs;
    if (options.max === 0) {
      await sleep(options.blockMs);
      return [];
    }
    const round = this.rounds.next(options.consumer);
    const order = readOrder(round, this.tuning.agingEvery, options.freeVramMb).map((s) =>
      this.keys.stream(s.priority, s.tier),
    );
    try {
      return await this.claimRound(options, order, deadline);
    } catch (err) {
      if (this.closed) return [];
      throw err;
    }
  }

  private async claimRound(options: ClaimOptions, order: string[], deadline: number): Promise<Delivery[]> {
    const keys = [
      this.keys.retries,
      this.keys.deadLetters,
      this.keys.jobsWake,
      ...this.keys.jobStreams.map((s) => s.key),
    ];
    for (;;) {
      const reclaim = Date.now() - this.lastReclaimAt >= this.reclaimEveryMs;
      if (reclaim) this.lastReclaimAt = Date.now();
      const [flat, wakeId, nextDue, deadLettered, serverNow] = (await scripts.claim.run(this.redis, keys, [
        CONSUMER_GROUP,
        options.consumer,
        options.max,
        this.tuning.leaseMs,
        this.tuning.maxDeliveries,
        reclaim ? "1" : "0",
        PROMOTE_AT_MOST,
        this.tuning.deadLettersMaxLen,
        order.length,
        ...order.map((key) => this.streamIndex.get(key)!),
      ])) as ClaimReply;
      if (deadLettered > 0) {
        this.log.warn({ deadLettered }, "jobs past their delivery limit moved to dead letters");
      }
      const deliveries = await this.toDeliveries(flat, options.consumer);
      if (deliveries.length > 0) return deliveries;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.closed) return [];
      let waitMs = Math.min(remaining, this.reclaimEveryMs);
      if (nextDue >= 0) waitMs = Math.min(waitMs, nextDue - serverNow);
      await this.waitForWake(wakeId, Math.max(1, Math.ceil(waitMs)));
    }
  }

  async ackMany(deliveries: Delivery[]): Promise<void> {
    const byStream = new Map<string, string[]>();
    for (const d of deliveries) {
      const ids = byStream.get(d.stream) ?? [];
      ids.push(d.id);
      byStream.set(d.stream, ids);
    }
    await this.ackIds(byStream);
  }

  private async ackIds(byStream: Map<string, string[]>): Promise<void> {
    await Promise.all(
      [...byStream].map(([stream, ids]) => scripts.ack.run(this.redis, [stream], [CONSUMER_GROUP, ...ids])),
    );
  }

  async extendLease(delivery: Delivery): Promise<boolean> {
    const extended = await scripts.extendLease.run(
      this.redis,
      [delivery.stream],
      [CONSUMER_GROUP, delivery.consumer, delivery.id],
    );
    return extended === 1;
  }

  async retryLater(delivery: Delivery, options: RetryOptions): Promise<void> {
    const next = retryMessage(delivery.message, options);
    const member = `${this.streamOf(next)}\n${JSON.stringify(next)}`;
    await scripts.retryLater.run(
      this.redis,
      [delivery.stream, this.keys.retries],
      [CONSUMER_GROUP, delivery.id, options.delayMs, member],
    );
  }

  async deadLetter(delivery: Delivery, options: { errors: AttemptError[] }): Promise<void> {
    const errors = parseErrors(options.errors);
    await scripts.deadLetter.run(
      this.redis,
      [delivery.stream, this.keys.deadLetters],
      [
        CONSUMER_GROUP,
        delivery.id,
        JSON.stringify(delivery.message),
        JSON.stringify(errors),
        this.tuning.deadLettersMaxLen,
      ],
    );
  }

  async listDeadLetters(count = 100): Promise<DeadLetter[]> {
    const entries = await this.redis.xrange(this.keys.deadLetters, "-", "+", "COUNT", count);
    return entries.flatMap(([id, fields]) => {
      const letter = this.toDeadLetter(id, fields);
      return letter ? [letter] : [];
    });
  }

  async dropDeadLetters(jobId: string): Promise<number> {
    // Dead letters are few and kept for people to look at; a scan of the stream is cheap enough.
    const ids: string[] = [];
    for (let start = "-"; ; ) {
      const entries = await this.redis.xrange(this.keys.deadLetters, start, "+", "COUNT", 1000);
      for (const [id, fields] of entries) {
        if (this.toDeadLetter(id, fields)?.message.jobId === jobId) ids.push(id);
      }
      if (entries.length < 1000) break;
      start = `(${entries.at(-1)![0]}`;
    }
    return ids.length > 0 ? this.redis.xdel(this.keys.deadLetters, ...ids) : 0;
  }

  async requeueDeadLetter(id: string, options: RequeueOptions): Promise<PublishResult> {
    if (!isStreamId(id)) throw new AppError("VALIDATION_ERROR", "That is not a dead-letter id.", { id });
    const [entry] = await this.redis.xrange(this.keys.deadLetters, id, id);
    const letter = entry && this.toDeadLetter(entry[0], entry[1]);
    if (!letter)
      throw new AppError("NOT_FOUND", "That dead letter is gone; it may have been requeued.", { id });
    const message = requeuedMessage(letter.message, options);
    const stream = this.streamOf(message);
    const requeued = await scripts.requeue.run(
      this.redis,
      [this.keys.deadLetters, stream, this.keys.published, this.keys.jobsWake],
      [
        id,
        JSON.stringify(message),
        dedupeMember(message.jobId, message.attempt),
        this.tuning.dedupeTtlMs,
        orgKeyOf(message.orgId),
      ],
    );
    if (requeued !== 1) {
      throw new AppError("NOT_FOUND", "That dead letter is gone; it may have been requeued.", { id });
    }
    return { published: true, stream };
  }

  async stats(): Promise<BusStats> {
    const reply = (await scripts.stats.run(
      this.redis,
      [this.keys.retries, this.keys.deadLetters, ...this.keys.jobStreams.map((s) => s.key)],
      [CONSUMER_GROUP],
    )) as number[];
    return {
      deadLetters: reply[0]!,
      dueRetries: reply[1]!,
      streams: this.keys.jobStreams.map((s, i) => ({
        stream: s.key,
        priority: s.priority,
        tier: s.tier,
        depth: reply[2 + i * 3]!,
        pending: reply[3 + i * 3]!,
        organizations: reply[4 + i * 3]!,
      })),
    };
  }

  close(): void {
    this.closed = true;
  }

  private streamOf(message: BusMessage): string {
    return this.keys.stream(message.priority, tierForVramMb(message.vramMb));
  }

  private async toDeliveries(flat: Array<string | number>, consumer: string): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    const unreadable = new Map<string, string[]>();
    for (let i = 0; i < flat.length; i += 4) {
      const stream = String(flat[i]);
      const id = String(flat[i + 1]);
      const message = decodeMessage(String(flat[i + 2]));
      if (message) deliveries.push({ id, stream, consumer, message, deliveryCount: Number(flat[i + 3]) });
      else unreadable.set(stream, [...(unreadable.get(stream) ?? []), id]);
    }
    if (unreadable.size > 0) {
      // Only a foreign writer can put these here (publish validates); keeping them would redeliver forever.
      this.log.error({ entries: Object.fromEntries(unreadable) }, "dropped unreadable job entries");
      await this.ackIds(unreadable);
    }
    return deliveries;
  }

  private toDeadLetter(id: string, fields: string[]): DeadLetter | undefined {
    const get = (name: string) => {
      const at = fields.indexOf(name);
      return at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
    };
    const message = decodeMessage(get("m") ?? "");
    if (!message) return undefined;
    return {
      id,
      message,
      errors: decodeErrors(get("e")),
      stream: get("s") ?? "",
      reason: get("r") === "delivery_limit" ? "delivery_limit" : "failed",
      deadAt: Number(get("at") ?? 0),
    };
  }

  /** Blocks until a publish touches the wake stream after `wakeId`, or the time is up. Claims nothing. */
  private async waitForWake(wakeId: string, blockMs: number): Promise<void> {
    let connection: RedisClient;
    try {
      connection = this.blocking.acquire();
    } catch {
      return;
    }
    try {
      await connection.xread("COUNT", 1, "BLOCK", blockMs, "STREAMS", this.keys.jobsWake, wakeId);
    } catch (err) {
      if (this.closed) return;
      this.log.warn({ err }, "waiting for jobs failed; retrying shortly");
      await sleep(Math.min(blockMs, 200));
    } finally {
      this.blocking.release(connection);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

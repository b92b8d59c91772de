import { AppError, type Logger } from "@atelier/shared";
import { readOrder, RoundCounter } from "../claimOrder.ts";
import {
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
import { type BusKeys, orgKeyOf } from "../keys.ts";
import type { AttemptError, BusMessage } from "../message.ts";
import { StreamIdGenerator } from "../streamId.ts";
import { tierForVramMb } from "../tiers.ts";
import { FairQueue } from "./FairQueue.ts";
import { MemoryStream, type StreamRead } from "./MemoryStream.ts";

interface ScheduledRetry {
  dueAt: number;
  stream: string;
  org: string;
  json: string;
}

/**
 * The job half of the in-process bus. Each claim round does what claim-35.lua does, in the
 * same order (promote due retries, take over idle entries, move waiting jobs in fairly between
 * organizations and read them), so the contract tests hold for both.
 */
export class MemoryJobQueue {
  private readonly streams = new Map<string, MemoryStream>();
  private readonly fair = new Map<string, FairQueue>();
  private readonly rounds = new RoundCounter();
  private readonly seen = new Map<string, number>();
  private readonly retries = new Map<string, ScheduledRetry>();
  private readonly deadLetters = new Map<string, DeadLetter>();
  private readonly deadLetterIds = new StreamIdGenerator();
  private readonly waiters = new Set<() => void>();
  private readonly reclaimEveryMs: number;
  private lastReclaimAt = 0;
  private closed = false;

  constructor(
    private readonly keys: BusKeys,
    private readonly tuning: BusTuning,
    private readonly log: Logger,
  ) {
    for (const s of keys.jobStreams) {
      this.streams.set(s.key, new MemoryStream(s.key));
      this.fair.set(s.key, new FairQueue());
    }
    this.reclaimEveryMs = Math.max(50, Math.min(1000, Math.floor(tuning.leaseMs / 2)));
  }

  async publish(input: BusMessage): Promise<PublishResult> {
    const message = parseMessage(input);
    const stream = this.streamOf(message);
    const now = Date.now();
    const mark = `${message.jobId}:${message.attempt}`;
    const expiresAt = this.seen.get(mark);
    if (expiresAt !== undefined && expiresAt > now) return { published: false, stream };
    this.remember(mark, now);
    this.waitingOf(stream).push(orgKeyOf(message.orgId), JSON.stringify(message));
    this.wakeWaiters();
    return { published: true, stream };
  }

  async publishMany(inputs: BusMessage[]): Promise<PublishResult[]> {
    const messages = inputs.map(parseMessage);
    const results: PublishResult[] = [];
    for (const message of messages) results.push(await this.publish(message));
    return results;
  }

  async claim(input: ClaimOptions): Promise<Delivery[]> {
    const options = parseClaimOptions(input);
    const deadline = Date.now() + options.blockMs;
    if (options.max === 0) {
      await this.wait(options.blockMs);
      return [];
    }
    const round = this.rounds.next(options.consumer);
    const order = readOrder(round, this.tuning.agingEvery, options.freeVramMb).map((s) =>
      this.stream(this.keys.stream(s.priority, s.tier)),
    );
    for (;;) {
      if (this.closed) return [];
      const deliveries = this.claimRound(options, order);
      if (deliveries.length > 0) return deliveries;
      const now = Date.now();
      const remaining = deadline - now;
      if (remaining <= 0) return [];
      let waitMs = Math.min(remaining, this.reclaimEveryMs);
      const nextDue = this.nextRetryDue();
      if (nextDue !== undefined) waitMs = Math.min(waitMs, Math.max(1, nextDue - now));
      await this.wait(waitMs);
    }
  }

  async ackMany(deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) this.streams.get(d.stream)?.remove(d.id);
  }

  async extendLease(delivery: Delivery): Promise<boolean> {
    return this.streams.get(delivery.stream)?.touch(delivery.id, delivery.consumer, Date.now()) ?? false;
  }

  async retryLater(delivery: Delivery, options: RetryOptions): Promise<void> {
    const next = retryMessage(delivery.message, options);
    this.streams.get(delivery.stream)?.remove(delivery.id);
    const json = JSON.stringify(next);
    const stream = this.streamOf(next);
    this.retries.set(`${stream}\n${json}`, {
      dueAt: Date.now() + options.delayMs,
      stream,
      org: orgKeyOf(next.orgId),
      json,
    });
  }

  async deadLetter(delivery: Delivery, options: { errors: AttemptError[] }): Promise<void> {
    const errors = parseErrors(options.errors);
    this.streams.get(delivery.stream)?.remove(delivery.id);
    this.addDeadLetter(delivery.message, errors, delivery.stream, "failed");
  }

  async listDeadLetters(count = 100): Promise<DeadLetter[]> {
    return [...this.deadLetters.values()].slice(0, count).map((d) => structuredClone(d));
  }

  async dropDeadLetters(jobId: string): Promise<number> {
    const ids = [...this.deadLetters.values()].filter((d) => d.message.jobId === jobId).map((d) => d.id);
    for (const id of ids) this.deadLetters.delete(id);
    return ids.length;
  }

  async requeueDeadLetter(id: string, options: RequeueOptions): Promise<PublishResult> {
    const letter = this.deadLetters.get(id);
    if (!letter)
      throw new AppError("NOT_FOUND", "That dead letter is gone; it may have been requeued.", { id });
    const message = requeuedMessage(letter.message, options);
    const stream = this.streamOf(message);
    this.deadLetters.delete(id);
    this.remember(`${message.jobId}:${message.attempt}`, Date.now());
    this.waitingOf(stream).push(orgKeyOf(message.orgId), JSON.stringify(message));
    this.wakeWaiters();
    return { published: true, stream };
  }

  async stats(): Promise<BusStats> {
    return {
      deadLetters: this.deadLetters.size,
      dueRetries: this.retries.size,
      streams: this.keys.jobStreams.map(({ key, priority, tier }) => {
        const stream = this.stream(key);
        const waiting = this.waitingOf(key);
        return {
          stream: key,
          priority,
          tier,
          depth: stream.depth + waiting.size,
          pending: stream.pendingCount,
          organizations: waiting.organizations,
        };
      }),
    };
  }

  close(): void {
    this.closed = true;
    this.wakeWaiters();
  }

  private claimRound(options: ClaimOptions, order: MemoryStream[]): Delivery[] {
    const now = Date.now();
    this.promoteDueRetries(now);
    let remaining = options.max;
    const deliveries: Delivery[] = [];
    const take = (stream: MemoryStream, reads: StreamRead[]) => {
      for (const read of reads) {
        const message = decodeMessage(read.json);
        if (!message) {
          stream.remove(read.id);
          continue;
        }
        if (read.deliveryCount > this.tuning.maxDeliveries) {
          stream.remove(read.id);
          this.addDeadLetter(
            message,
            [...(message.errors ?? []), leaseError(message, read, now)],
            stream.key,
            "delivery_limit",
          );
          this.log.warn({ jobId: message.jobId }, "job past its delivery limit moved to dead letters");
          continue;
        }
        deliveries.push({
          id: read.id,
          stream: stream.key,
          consumer: options.consumer,
          message,
          deliveryCount: read.deliveryCount,
        });
        remaining -= 1;
      }
    };
    if (now - this.lastReclaimAt >= this.reclaimEveryMs) {
      this.lastReclaimAt = now;
      for (const stream of order) {
        if (remaining <= 0) break;
        take(stream, stream.reclaim(options.consumer, this.tuning.leaseMs, remaining, now));
      }
    }
    for (const stream of order) {
      if (remaining <= 0) break;
      for (const json of this.waitingOf(stream.key).take(remaining)) stream.add(json);
      take(stream, stream.readNew(options.consumer, remaining, now));
    }
    return deliveries;
  }

  private promoteDueRetries(now: number): void {
    for (const [member, retry] of this.retries) {
      if (retry.dueAt > now) continue;
      this.retries.delete(member);
      this.waitingOf(retry.stream).push(retry.org, retry.json);
    }
  }

  private nextRetryDue(): number | undefined {
    let next: number | undefined;
    for (const retry of this.retries.values()) {
      if (next === undefined || retry.dueAt < next) next = retry.dueAt;
    }
    return next;
  }

  private addDeadLetter(
    message: BusMessage,
    errors: AttemptError[],
    stream: string,
    reason: DeadLetter["reason"],
  ) {
    const deadAt = Date.now();
    const id = this.deadLetterIds.next(deadAt);
    this.deadLetters.set(id, { id, message, errors, stream, reason, deadAt });
    if (this.deadLetters.size > this.tuning.deadLettersMaxLen) {
      const oldest = this.deadLetters.keys().next().value;
      if (oldest !== undefined) this.deadLetters.delete(oldest);
    }
  }

  private remember(mark: string, now: number): void {
    this.seen.set(mark, now + this.tuning.dedupeTtlMs);
    if (this.seen.size % 1000 === 0) {
      for (const [key, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(key);
    }
  }

  private stream(key: string): MemoryStream {
    const stream = this.streams.get(key);
    if (!stream) throw new Error(`unknown job stream ${key}`);
    return stream;
  }

  private waitingOf(key: string): FairQueue {
    const waiting = this.fair.get(key);
    if (!waiting) throw new Error(`unknown job stream ${key}`);
    return waiting;
  }

  private streamOf(message: BusMessage): string {
    return this.keys.stream(message.priority, tierForVramMb(message.vramMb));
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wakeWaiters(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function leaseError(message: BusMessage, read: StreamRead, now: number): AttemptError {
  return {
    attempt: message.attempt,
    code: "TIMEOUT",
    message: `Delivered ${read.deliveryCount} times and never acknowledged within the lease; the node running it probably crashed on it.`,
    at: now,
  };
}

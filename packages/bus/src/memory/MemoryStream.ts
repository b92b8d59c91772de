import { StreamIdGenerator } from "../streamId.ts";

interface PendingEntry {
  consumer: string;
  deliveryCount: number;
  deliveredAt: number;
}

export interface StreamRead {
  id: string;
  json: string;
  deliveryCount: number;
}

/** One job stream with one consumer group, in memory: the parts of XADD/XREADGROUP/XAUTOCLAIM/XACK the bus uses. */
export class MemoryStream {
  private readonly ids = new StreamIdGenerator();
  private readonly entries = new Map<string, string>();
  private readonly pending = new Map<string, PendingEntry>();
  private waiting: string[] = [];
  private head = 0;

  constructor(readonly key: string) {}

  get depth(): number {
    return this.entries.size;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  add(json: string): string {
    const id = this.ids.next();
    this.entries.set(id, json);
    this.waiting.push(id);
    return id;
  }

  /** XREADGROUP `>`: entries never delivered, oldest first. */
  readNew(consumer: string, count: number, now: number): StreamRead[] {
    const out: StreamRead[] = [];
    while (out.length < count && this.head < this.waiting.length) {
      const id = this.waiting[this.head++]!;
      const json = this.entries.get(id);
      if (json === undefined) continue;
      this.pending.set(id, { consumer, deliveryCount: 1, deliveredAt: now });
      out.push({ id, json, deliveryCount: 1 });
    }
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** XAUTOCLAIM: pending entries idle for at least `leaseMs` move to `consumer` with one more delivery. */
  reclaim(consumer: string, leaseMs: number, count: number, now: number): StreamRead[] {
    const out: StreamRead[] = [];
    for (const [id, entry] of this.pending) {
      if (out.length >= count) break;
      if (now - entry.deliveredAt < leaseMs) continue;
      const json = this.entries.get(id);
      if (json === undefined) {
        this.pending.delete(id);
        continue;
      }
      entry.consumer = consumer;
      entry.deliveryCount += 1;
      entry.deliveredAt = now;
      out.push({ id, json, deliveryCount: entry.deliveryCount });
    }
    return out;
  }

  /** XACK + XDEL. */
  remove(id: string): void {
    this.pending.delete(id);
    this.entries.delete(id);
  }

  touch(id: string, consumer: string, now: number): boolean {
    const entry = this.pending.get(id);
    if (!entry || entry.consumer !== consumer) return false;
    entry.deliveredAt = now;
    return true;
  }
}

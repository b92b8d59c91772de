import type { CatchUpPage, RawEntry, TopicSource } from "../events/EventHub.ts";
import { compareStreamIds, START_ID, StreamIdGenerator } from "../streamId.ts";

interface TopicLog {
  ids: StreamIdGenerator;
  entries: RawEntry[];
  /** The newest id trimmed away (Redis's max-deleted-entry-id). */
  trimmedThrough: string;
}

/** Topic streams in memory with Redis-shaped ids; appends reach followers on the next microtask. */
export class MemoryTopicSource implements TopicSource {
  sink: TopicSource["sink"];
  private readonly logs = new Map<string, TopicLog>();
  private readonly followed = new Set<string>();

  async append(topic: string, body: object, maxLen: number): Promise<string> {
    const log = this.log(topic);
    // Through JSON, as Redis would store it: later changes to `body` cannot reach listeners.
    const entry: RawEntry = { id: log.ids.next(), body: JSON.parse(JSON.stringify(body)) };
    log.entries.push(entry);
    if (log.entries.length > maxLen + Math.ceil(maxLen / 10)) {
      const trimmed = log.entries.splice(0, log.entries.length - maxLen);
      log.trimmedThrough = trimmed.at(-1)!.id;
    }
    if (this.followed.has(topic)) queueMicrotask(() => this.sink?.(topic, [entry]));
    return entry.id;
  }

  async read(topic: string, afterId: string | undefined, count: number): Promise<RawEntry[]> {
    const entries = this.logs.get(topic)?.entries ?? [];
    const start = afterId === undefined ? 0 : firstIndexAfter(entries, afterId);
    return entries.slice(start, start + count);
  }

  async readAfter(topic: string, afterId: string, count: number): Promise<CatchUpPage> {
    const log = this.logs.get(topic);
    const lastId = log?.ids.last ?? START_ID;
    const missed =
      compareStreamIds(log?.trimmedThrough ?? START_ID, afterId) > 0 || compareStreamIds(afterId, lastId) > 0;
    return {
      entries: await this.read(topic, afterId, count),
      missed,
      lastId: log?.entries.at(-1)?.id ?? START_ID,
    };
  }

  async lastId(topic: string): Promise<string> {
    return this.logs.get(topic)?.entries.at(-1)?.id ?? START_ID;
  }

  follow(topic: string): void {
    this.followed.add(topic);
  }

  unfollow(topic: string): void {
    this.followed.delete(topic);
  }

  private log(topic: string): TopicLog {
    let log = this.logs.get(topic);
    if (!log) {
      log = { ids: new StreamIdGenerator(), entries: [], trimmedThrough: START_ID };
      this.logs.set(topic, log);
    }
    return log;
  }
}

function firstIndexAfter(entries: RawEntry[], afterId: string): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (compareStreamIds(entries[mid]!.id, afterId) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

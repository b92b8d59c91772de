import type { Logger } from "@atelier/shared";
import type { Redis } from "ioredis";
import type { CatchUpPage, RawEntry, TopicSource } from "../events/EventHub.ts";
import { compareStreamIds, START_ID } from "../streamId.ts";

const READ_COUNT = 500;
const WAKE_TTL_MS = 60_000;

/**
 * Follows every topic this bus instance has listeners for with ONE blocking XREAD loop on a
 * dedicated connection. Following a new topic appends to this instance's wake stream, which
 * the XREAD also covers, so the loop restarts with the new topic at once instead of after its
 * block timeout. Entries are stored as one JSON field `d`.
 */
export class RedisTopicSource implements TopicSource {
  sink: TopicSource["sink"];
  private readonly cursors = new Map<string, string>();
  private readonly topicByKey = new Map<string, string>();
  private wakeCursor = START_ID;
  private loop: Promise<void> | undefined;
  private running = false;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly blocking: Redis,
    private readonly keyOf: (topic: string) => string,
    private readonly wakeKey: string,
    private readonly blockMs: number,
    private readonly log: Logger,
  ) {}

  async append(topic: string, body: object, maxLen: number): Promise<string> {
    const id = await this.redis.xadd(
      this.keyOf(topic),
      "MAXLEN",
      "~",
      maxLen,
      "*",
      "d",
      JSON.stringify(body),
    );
    return id!;
  }

  async read(topic: string, afterId: string | undefined, count: number): Promise<RawEntry[]> {
    const start = afterId === undefined || afterId === START_ID ? "-" : `(${afterId}`;
    const entries = await this.redis.xrange(this.keyOf(topic), start, "+", "COUNT", count);
    return entries.map(([id, fields]) => toEntry(id, fields));
  }

  async readAfter(topic: string, afterId: string, count: number): Promise<CatchUpPage> {
    const key = this.keyOf(topic);
    const start = afterId === START_ID ? "-" : `(${afterId}`;
    // One transaction, so no trim can fall between what the stream says it lost and what it returns.
    const replies = await this.redis
      .multi()
      .xinfo("STREAM", key)
      .xrange(key, start, "+", "COUNT", count)
      .exec();
    const [info, range] = replies ?? [];
    const entries = ((range?.[1] ?? []) as Array<[string, string[]]>).map(([id, fields]) =>
      toEntry(id, fields),
    );
    if (info?.[0]) {
      // No such stream: nothing was ever written, or Redis lost it; an id it never gave means the latter.
      return { entries, missed: afterId !== START_ID, lastId: START_ID };
    }
    const fields = fieldsOf(info?.[1]);
    const lastGenerated = String(fields.get("last-generated-id") ?? START_ID);
    const idOf = (entry: unknown) =>
      Array.isArray(entry) && typeof entry[0] === "string" ? entry[0] : START_ID;
    const firstId = idOf(fields.get("first-entry"));
    const lastId = idOf(fields.get("last-entry"));
    // Trimming (MAXLEN) removes the oldest entries and leaves no mark of their ids, only a count
    // (Redis 7's entries-added; older ones cannot tell, and are taken to have trimmed).
    const added = fields.get("entries-added");
    const trimmed = added === undefined || Number(added) > Number(fields.get("length") ?? 0);
    const missed =
      (trimmed && compareStreamIds(afterId, firstId) < 0) || compareStreamIds(afterId, lastGenerated) > 0;
    return { entries, missed, lastId };
  }

  async lastId(topic: string): Promise<string> {
    const [last] = await this.redis.xrevrange(this.keyOf(topic), "+", "-", "COUNT", 1);
    return last ? last[0] : START_ID;
  }

  follow(topic: string, fromId: string): void {
    const key = this.keyOf(topic);
    this.cursors.set(key, fromId);
    this.topicByKey.set(key, topic);
    if (this.running) {
      this.wake();
    } else {
      this.running = true;
      this.loop = this.run();
    }
  }

  unfollow(topic: string): void {
    const key = this.keyOf(topic);
    this.cursors.delete(key);
    this.topicByKey.delete(key);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.blocking.disconnect();
    await this.loop;
  }

  private wake(): void {
    this.redis
      .multi()
      .xadd(this.wakeKey, "MAXLEN", 1, "*", "w", "1")
      .pexpire(this.wakeKey, WAKE_TTL_MS)
      .exec()
      .catch((err: unknown) => this.log.warn({ err }, "could not wake the event loop"));
  }

  /** Never throws: every failure is logged and retried until close or until nothing is followed. */
  private async run(): Promise<void> {
    let failures = 0;
    for (;;) {
      if (this.closed || this.cursors.size === 0) {
        // In the same tick the loop ends, so a follow() right after starts a new one.
        this.running = false;
        return;
      }
      const keys = [...this.cursors.keys()];
      const ids = keys.map((k) => this.cursors.get(k)!);
      try {
        const reply = await this.blocking.xread(
          "COUNT",
          READ_COUNT,
          "BLOCK",
          this.blockMs,
          "STREAMS",
          this.wakeKey,
          ...keys,
          this.wakeCursor,
          ...ids,
        );
        failures = 0;
        for (const [key, entries] of reply ?? []) this.take(key, entries);
      } catch (err) {
        if (this.closed) continue;
        failures += 1;
        this.log.warn({ err, failures }, "event stream read failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** failures)));
      }
    }
  }

  private take(key: string, entries: Array<[string, string[]]>): void {
    const last = entries.at(-1);
    if (!last) return;
    if (key === this.wakeKey) {
      this.wakeCursor = last[0];
      return;
    }
    const topic = this.topicByKey.get(key);
    if (topic === undefined) return;
    this.cursors.set(key, last[0]);
    this.sink?.(
      topic,
      entries.map(([id, fields]) => toEntry(id, fields)),
    );
  }
}

/** XINFO STREAM answers a flat list of names and values. */
function fieldsOf(reply: unknown): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (!Array.isArray(reply)) return fields;
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  return fields;
}

function toEntry(id: string, fields: string[]): RawEntry {
  const at = fields.indexOf("d");
  try {
    return { id, body: JSON.parse(at >= 0 ? (fields[at + 1] ?? "null") : "null") };
  } catch {
    // A foreign writer's entry: its hub skips it rather than stall the stream.
    return { id, body: undefined };
  }
}

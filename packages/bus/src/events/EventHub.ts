import { compareStreamIds, START_ID } from "../streamId.ts";

/** One entry of a followed stream as stored: its id and its JSON body, not yet checked. */
export interface RawEntry {
  id: string;
  body: unknown;
}

/** One entry of a followed stream after its hub decoded it. */
export interface TopicEntry<T> {
  id: string;
  body: T;
}

/** A page of a catch-up read, and whether the stream lost entries after the id read from. */
export interface CatchUpPage {
  entries: RawEntry[];
  /**
   * True when the stream no longer holds some entry after the id read from: trimmed away (the stream
   * keeps only its newest entries), or the stream itself was lost (an id it never gave). Checked in
   * the same atomic step as the read.
   */
  missed: boolean;
  /** The stream's newest id at the moment of the read: where a subscriber that missed entries goes on from. */
  lastId: string;
}

/**
 * Where a hub's entries come from. `follow` makes the source deliver every entry after `fromId`
 * to its `sink` until `unfollow`; the Redis source does so with one XREAD loop for all followed
 * topics, the in-memory source on the next microtask after an append.
 */
export interface TopicSource {
  sink: ((topic: string, entries: RawEntry[]) => void) | undefined;
  append(topic: string, body: object, maxLen: number): Promise<string>;
  read(topic: string, afterId: string | undefined, count: number): Promise<RawEntry[]>;
  /** Like `read` from `afterId`, and says whether entries after it were lost (see `CatchUpPage`). */
  readAfter(topic: string, afterId: string, count: number): Promise<CatchUpPage>;
  lastId(topic: string): Promise<string>;
  follow(topic: string, fromId: string): void;
  unfollow(topic: string): void;
}

interface Listener<T> {
  cursor: string | undefined;
  live: boolean;
  buffer: Array<TopicEntry<T>>;
  onEntry: (entry: TopicEntry<T>) => void;
  onClose: (() => void) | undefined;
}

interface FollowedTopic<T> {
  listeners: Set<Listener<T>>;
  ready: Promise<void>;
}

/** Turns a stored body into the hub's type, or undefined for a body that is not one (it is skipped). */
export type Decode<T> = (body: unknown) => T | undefined;

const CATCH_UP_PAGE = 500;

/**
 * Fans each followed topic out to every local listener. Each entry is decoded once, however many
 * listeners it reaches. A new listener first buffers live entries, then catches up from its
 * `afterId` by reading the stream, then drains the buffer; its cursor drops anything it already
 * has, so catch-up and live never lose or repeat an entry. When the stream no longer holds what
 * followed `afterId` (trimmed, or lost), the listener gets one `gapBody()` entry instead of a
 * silent hole, with the stream's newest id, and goes on from there.
 */
export class EventHub<T> {
  private readonly topics = new Map<string, FollowedTopic<T>>();
  private closed = false;

  constructor(
    private readonly source: TopicSource,
    private readonly decode: Decode<T>,
    private readonly onListenerError: (err: unknown) => void,
    private readonly gapBody?: () => T,
  ) {}

  follows(topic: string): boolean {
    return this.topics.has(topic);
  }

  dispatch(topic: string, raw: RawEntry[]): void {
    const followed = this.topics.get(topic);
    if (!followed) return;
    const entries = this.decodeAll(raw);
    for (const listener of followed.listeners) {
      for (const entry of entries) this.deliver(listener, entry);
    }
  }

  async subscribe(
    topic: string,
    afterId: string | undefined,
    onEntry: (entry: TopicEntry<T>) => void,
    onClose?: () => void,
  ): Promise<() => void> {
    if (this.closed) throw new Error("The bus is closed.");
    const listener: Listener<T> = { cursor: afterId, live: false, buffer: [], onEntry, onClose };
    const followed = this.followedTopic(topic);
    followed.listeners.add(listener);
    const unsubscribe = () => this.remove(topic, followed, listener);
    try {
      await followed.ready;
      if (afterId === undefined) {
        listener.cursor = await this.source.lastId(topic);
      } else {
        await this.catchUp(topic, listener);
      }
    } catch (err) {
      unsubscribe();
      throw err;
    }
    listener.live = true;
    const buffered = listener.buffer;
    listener.buffer = [];
    for (const entry of buffered) this.deliver(listener, entry);
    return unsubscribe;
  }

  close(): void {
    this.closed = true;
    for (const [topic, followed] of this.topics) {
      for (const listener of followed.listeners) listener.onClose?.();
      this.source.unfollow(topic);
    }
    this.topics.clear();
  }

  /** Reads entries after `afterId`, decoded; a skipped body still moves the cursor past it. */
  async read(topic: string, afterId: string | undefined, count: number): Promise<Array<TopicEntry<T>>> {
    return this.decodeAll(await this.source.read(topic, afterId, count));
  }

  private decodeAll(raw: RawEntry[]): Array<TopicEntry<T>> {
    const entries: Array<TopicEntry<T>> = [];
    for (const entry of raw) {
      const body = this.decode(entry.body);
      if (body !== undefined) entries.push({ id: entry.id, body });
    }
    return entries;
  }

  private followedTopic(topic: string): FollowedTopic<T> {
    const existing = this.topics.get(topic);
    if (existing) return existing;
    const followed: FollowedTopic<T> = { listeners: new Set(), ready: Promise.resolve() };
    this.topics.set(topic, followed);
    followed.ready = this.source.lastId(topic).then(
      (lastId) => {
        if (this.topics.get(topic) === followed) this.source.follow(topic, lastId);
      },
      (err: unknown) => {
        if (this.topics.get(topic) === followed) this.topics.delete(topic);
        throw err;
      },
    );
    return followed;
  }

  private async catchUp(topic: string, listener: Listener<T>): Promise<void> {
    for (;;) {
      const {
        entries: page,
        missed,
        lastId,
      } = await this.source.readAfter(topic, listener.cursor ?? START_ID, CATCH_UP_PAGE);
      if (missed && this.gapBody) {
        listener.cursor = lastId;
        this.call(listener, { id: lastId, body: this.gapBody() });
        return;
      }
      for (const raw of page) {
        listener.cursor = raw.id;
        const body = this.decode(raw.body);
        if (body !== undefined) this.call(listener, { id: raw.id, body });
      }
      if (page.length < CATCH_UP_PAGE) return;
    }
  }

  private deliver(listener: Listener<T>, entry: TopicEntry<T>): void {
    if (!listener.live) {
      listener.buffer.push(entry);
      return;
    }
    if (listener.cursor !== undefined && compareStreamIds(entry.id, listener.cursor) <= 0) return;
    listener.cursor = entry.id;
    this.call(listener, entry);
  }

  private call(listener: Listener<T>, entry: TopicEntry<T>): void {
    try {
      listener.onEntry(entry);
    } catch (err) {
      this.onListenerError(err);
    }
  }

  private remove(topic: string, followed: FollowedTopic<T>, listener: Listener<T>): void {
    followed.listeners.delete(listener);
    if (followed.listeners.size === 0 && this.topics.get(topic) === followed) {
      this.topics.delete(topic);
      this.source.unfollow(topic);
    }
  }
}

/**
 * Most entries an iterator holds for a slow reader. Past it the iterator stops listening and, once
 * its reader took what it holds, reads the rest from the stream after the last entry it gave (so a
 * slow reader costs stream reads, not memory; a `resync` if the stream trimmed them meanwhile).
 */
export const MAX_QUEUED_ENTRIES = 1000;

/** Turns a hub subscription into an async iterator that ends on abort or when the bus closes. */
export async function* iterateTopic<T, U>(
  hub: EventHub<T>,
  topic: string,
  afterId: string | undefined,
  signal: AbortSignal | undefined,
  map: (entry: TopicEntry<T>) => U,
): AsyncGenerator<U> {
  const queue: Array<TopicEntry<T>> = [];
  let ended = false;
  let overflowed = false;
  let cursor = afterId;
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  let unsubscribe: () => void = () => undefined;
  const listen = async (from: string | undefined) => {
    const stop = await hub.subscribe(
      topic,
      from,
      (entry) => {
        if (overflowed) return;
        if (queue.length >= MAX_QUEUED_ENTRIES) {
          overflowed = true;
          unsubscribe();
          return;
        }
        queue.push(entry);
        wake?.();
      },
      () => {
        ended = true;
        wake?.();
      },
    );
    // It may have overflowed while catching up, before this subscription was the one to stop.
    if (overflowed) stop();
    else unsubscribe = stop;
  };
  await listen(afterId);
  signal?.addEventListener("abort", onAbort);
  try {
    while (!signal?.aborted) {
      const next = queue.shift();
      if (next) {
        cursor = next.id;
        yield map(next);
        continue;
      }
      if (ended) return;
      if (overflowed) {
        overflowed = false;
        await listen(cursor);
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    unsubscribe();
  }
}

import { compareStreamIds } from "../streamId.ts";

/** One entry of a followed stream (a project's events or the control stream). */
export interface TopicEntry {
  id: string;
  body: Record<string, unknown>;
}

/**
 * Where a hub's entries come from. `follow` makes the source deliver every entry after `fromId`
 * to `EventHub.dispatch` until `unfollow`; the Redis source does so with one XREAD loop for all
 * followed topics, the in-memory source synchronously on append.
 */
export interface TopicSource {
  append(topic: string, body: Record<string, unknown>, maxLen: number): Promise<string>;
  read(topic: string, afterId: string | undefined, count: number): Promise<TopicEntry[]>;
  lastId(topic: string): Promise<string>;
  follow(topic: string, fromId: string): void;
  unfollow(topic: string): void;
}

interface Listener {
  cursor: string | undefined;
  live: boolean;
  buffer: TopicEntry[];
  onEntry: (entry: TopicEntry) => void;
  onClose: (() => void) | undefined;
}

interface FollowedTopic {
  listeners: Set<Listener>;
  ready: Promise<void>;
}

const CATCH_UP_PAGE = 500;

/**
 * Fans each followed topic out to every local listener. A new listener first buffers live
 * entries, then catches up from its `afterId` by reading the stream, then drains the buffer;
 * its cursor drops anything it already has, so catch-up and live never lose or repeat an entry.
 */
export class EventHub {
  private readonly topics = new Map<string, FollowedTopic>();
  private closed = false;

  constructor(
    private readonly source: TopicSource,
    private readonly onListenerError: (err: unknown) => void,
  ) {}

  dispatch(topic: string, entries: TopicEntry[]): void {
    const followed = this.topics.get(topic);
    if (!followed) return;
    for (const listener of followed.listeners) {
      for (const entry of entries) this.deliver(listener, entry);
    }
  }

  async subscribe(
    topic: string,
    afterId: string | undefined,
    onEntry: (entry: TopicEntry) => void,
    onClose?: () => void,
  ): Promise<() => void> {
    if (this.closed) throw new Error("The bus is closed.");
    const listener: Listener = { cursor: afterId, live: false, buffer: [], onEntry, onClose };
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

  private followedTopic(topic: string): FollowedTopic {
    const existing = this.topics.get(topic);
    if (existing) return existing;
    const followed: FollowedTopic = { listeners: new Set(), ready: Promise.resolve() };
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

  private async catchUp(topic: string, listener: Listener): Promise<void> {
    for (;;) {
      const page = await this.source.read(topic, listener.cursor, CATCH_UP_PAGE);
      for (const entry of page) {
        listener.cursor = entry.id;
        this.call(listener, entry);
      }
      if (page.length < CATCH_UP_PAGE) return;
    }
  }

  private deliver(listener: Listener, entry: TopicEntry): void {
    if (!listener.live) {
      listener.buffer.push(entry);
      return;
    }
    if (listener.cursor !== undefined && compareStreamIds(entry.id, listener.cursor) <= 0) return;
    listener.cursor = entry.id;
    this.call(listener, entry);
  }

  private call(listener: Listener, entry: TopicEntry): void {
    try {
      listener.onEntry(entry);
    } catch (err) {
      this.onListenerError(err);
    }
  }

  private remove(topic: string, followed: FollowedTopic, listener: Listener): void {
    followed.listeners.delete(listener);
    if (followed.listeners.size === 0 && this.topics.get(topic) === followed) {
      this.topics.delete(topic);
      this.source.unfollow(topic);
    }
  }
}

/** Turns a hub subscription into an async iterator that ends on abort or when the bus closes. */
export function iterateTopic(
  hub: EventHub,
  topic: string,
  afterId: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<TopicEntry>;
export function iterateTopic<T>(
  hub: EventHub,
  topic: string,
  afterId: string | undefined,
  signal: AbortSignal | undefined,
  map: (entry: TopicEntry) => T,
): AsyncGenerator<T>;
export async function* iterateTopic<T>(
  hub: EventHub,
  topic: string,
  afterId: string | undefined,
  signal: AbortSignal | undefined,
  map: (entry: TopicEntry) => T = (entry) => entry as T,
): AsyncGenerator<T> {
  const queue: TopicEntry[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  const unsubscribe = await hub.subscribe(
    topic,
    afterId,
    (entry) => {
      queue.push(entry);
      wake?.();
    },
    () => {
      ended = true;
      wake?.();
    },
  );
  signal?.addEventListener("abort", onAbort);
  try {
    while (!signal?.aborted) {
      const next = queue.shift();
      if (next) {
        yield map(next);
        continue;
      }
      if (ended) return;
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

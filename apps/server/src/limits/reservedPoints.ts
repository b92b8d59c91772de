import { RateLimiterRes } from "rate-limiter-flexible";

/** The store's side: spends points atomically, or rejects with the RateLimiterRes saying when the window ends. */
export interface PointStore {
  consume(key: string, points: number): Promise<RateLimiterRes>;
}

interface KeyState {
  /** Points counted in the store and not spent yet, here. */
  held: number;
  /** What the store said was left after the last reservation, for sizing the next one. */
  remaining: number;
  /** When the store's window ends: held points lapse with it. */
  until: number;
  /** Refused by the store until `until`: answered here, once what is held is spent, without asking again. */
  refused: boolean;
  /** The store call under way for this key (it never rejects: its caller hears of a refusal). */
  reserving: Promise<void> | null;
}

/** Entries kept before expired ones are swept. */
const SWEEP_AT = 10_000;

/**
 * Spends a busy key's points from a block reserved in the shared store at once, instead of asking
 * the store on every call. Each call counted in Redis was a round trip on the way of every API call
 * and every submit (two on a submit); at 500 submits a second those round trips were a fifth of a
 * submit's time on the server.
 *
 * The limit still holds across every server instance: a point is counted in the store before it is
 * spent here. The first call of a window asks for its own point only; later ones reserve up to
 * `blockSize` points (never more than the store said was left), and a refill starts once half of a
 * block is spent, so calls do not wait on it. What a key held when its window ends lapses with it: a
 * caller may be refused at most `blockSize - 1` points early per server instance (1 % of the limit
 * with the server's settings). A refusal is remembered until the window ends, so a flood past the
 * limit costs the store nothing.
 */
export class ReservedPoints {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly store: PointStore,
    private readonly blockSize: number,
  ) {}

  /** Spends `points` of the key, or rejects with the store's RateLimiterRes. */
  async consume(key: string, points: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      let state = this.keys.get(key);
      if (state && state.until <= now) {
        this.keys.delete(key);
        state = undefined;
      }
      if (state && state.held >= points) {
        state.held -= points;
        if (state.held * 2 < this.blockSize && !state.reserving)
          void this.reserve(key, state, 0).catch(() => {});
        return;
      }
      if (state?.reserving) {
        await state.reserving;
        continue;
      }
      if (state?.refused) throw new RateLimiterRes(0, state.until - now);
      // Nothing held (or too little): this call waits for the store's answer, and takes its points from it.
      const fresh = state ?? this.track(key, now);
      await this.reserve(key, fresh, points);
      return;
    }
  }

  /** Forgets what this instance holds or was refused for the key (the store's count was reset). */
  forget(key: string): void {
    this.keys.delete(key);
  }

  private track(key: string, now: number): KeyState {
    if (this.keys.size >= SWEEP_AT) {
      for (const [k, s] of this.keys) if (s.until <= now && !s.reserving) this.keys.delete(k);
    }
    // Until the store answers, the key's window is unknown: the first reservation asks for its call's points only.
    const state: KeyState = {
      held: 0,
      remaining: 0,
      until: Number.POSITIVE_INFINITY,
      refused: false,
      reserving: null,
    };
    this.keys.set(key, state);
    return state;
  }

  /**
   * Counts `needed` points (spent by the caller at once) plus a block to hold, sized by what the store
   * said was left, in one store call.
   */
  private reserve(key: string, state: KeyState, needed: number): Promise<void> {
    const extra = Math.max(0, Math.min(this.blockSize - needed, state.remaining - needed));
    const asked = needed + extra;
    if (asked === 0) return Promise.resolve();
    const reserving = this.store.consume(key, asked).then(
      (res) => {
        state.held += extra;
        state.remaining = res.remainingPoints;
        state.until = Date.now() + res.msBeforeNext;
      },
      (err: unknown) => {
        if (err instanceof RateLimiterRes) {
          state.refused = true;
          state.until = Date.now() + err.msBeforeNext;
        } else if (state.until === Number.POSITIVE_INFINITY) {
          this.keys.delete(key);
        }
        throw err;
      },
    );
    state.reserving = reserving.then(
      () => {
        state.reserving = null;
      },
      () => {
        state.reserving = null;
      },
    );
    // A background refill refused by the store is remembered in `state`; only a caller that needed points hears of it.
    return reserving;
  }
}

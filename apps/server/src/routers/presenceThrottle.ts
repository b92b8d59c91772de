/** Presence is ephemeral: at most this often per person and project does a move reach the stream. */
export const PRESENCE_INTERVAL_MS = 50;
const FORGET_AFTER_MS = 60_000;
const SWEEP_ABOVE = 10_000;

interface Slot {
  sentAt: number;
  /** The newest move that arrived too soon; sent when its interval ends. */
  pending?: () => Promise<void>;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Throttles presence per person and project without losing where someone stopped: a move that
 * arrives within the interval replaces any waiting one and is sent when the interval ends, so
 * the last position always reaches the others, however the requests were spaced on the way.
 */
export class PresenceThrottle {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly onError: (err: unknown) => void) {}

  /** True when sent now; false when it waits for the end of the interval (or is replaced by a newer move). */
  async offer(key: string, send: () => Promise<void>): Promise<boolean> {
    const now = Date.now();
    const slot = this.slots.get(key);
    if (!slot || now - slot.sentAt >= PRESENCE_INTERVAL_MS) {
      if (slot?.timer) clearTimeout(slot.timer);
      this.slots.set(key, { sentAt: now });
      this.sweep(now);
      await send();
      return true;
    }
    slot.pending = send;
    slot.timer ??= setTimeout(() => this.flush(key), slot.sentAt + PRESENCE_INTERVAL_MS - now);
    return false;
  }

  /** The person left: nothing of theirs waits to be sent after the leave. */
  forget(key: string): void {
    const slot = this.slots.get(key);
    if (slot?.timer) clearTimeout(slot.timer);
    this.slots.delete(key);
  }

  private flush(key: string): void {
    const slot = this.slots.get(key);
    if (!slot?.pending) return;
    const send = slot.pending;
    this.slots.set(key, { sentAt: Date.now() });
    send().catch(this.onError);
  }

  private sweep(now: number): void {
    if (this.slots.size <= SWEEP_ABOVE) return;
    for (const [key, slot] of this.slots) {
      if (!slot.timer && now - slot.sentAt > FORGET_AFTER_MS) this.slots.delete(key);
    }
  }
}

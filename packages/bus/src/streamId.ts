/** Ids of the shape Redis gives stream entries, `<ms>-<seq>`; both buses use them for events and jobs. */
export const START_ID = "0-0";

export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = split(a);
  const [bMs, bSeq] = split(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

export function isStreamId(id: string): boolean {
  return /^\d+-\d+$/.test(id);
}

function split(id: string): [number, number] {
  const dash = id.indexOf("-");
  if (dash < 0) return [Number(id), 0];
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** Monotonic id source for one in-memory stream, mirroring XADD `*`. */
export class StreamIdGenerator {
  private lastMs = 0;
  private seq = 0;

  /** The last id given (Redis's last-generated-id), START_ID before the first. */
  get last(): string {
    return this.lastMs === 0 ? START_ID : `${this.lastMs}-${this.seq}`;
  }

  next(now = Date.now()): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else {
      this.seq += 1;
    }
    return `${this.lastMs}-${this.seq}`;
  }
}

/**
 * Group commit: writes that arrive while earlier ones are being written go to the database together,
 * in one statement, each caller still getting its own answer or its own error.
 *
 * No timer: with no write in flight an item is written at once (no added latency when quiet);
 * while `maxInFlight` writes are running, new items wait and the next free writer takes up to
 * `maxBatch` of them. Under load the batches grow by themselves to what arrived during one write,
 * usually a millisecond or two.
 *
 * `writeBatch` answers one outcome per item, in order (an `Error` for an item refused on its own).
 * When it throws, the whole statement failed and nothing of it was written: each item of that batch
 * is then written on its own with `writeOne`, so one bad item fails alone and the rest land.
 * Items are taken in arrival order; with more than one statement in flight, two batches may commit
 * in either order.
 */
export interface GroupCommitOptions<I, O> {
  writeBatch(items: I[]): Promise<Array<O | Error>>;
  writeOne(item: I): Promise<O>;
  /** Most items in one statement. */
  maxBatch: number;
  /** Statements running at once (each holds a database connection). */
  maxInFlight: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(err: unknown): void;
}

export interface GroupCommitStats {
  batches: number;
  items: number;
  /** Batches that failed as a whole and were written item by item. */
  fallbacks: number;
}

export class GroupCommit<I, O> {
  private readonly queue: Array<Waiting<I, O>> = [];
  private inFlight = 0;
  readonly stats: GroupCommitStats = { batches: 0, items: 0, fallbacks: 0 };

  constructor(private readonly options: GroupCommitOptions<I, O>) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) {
      throw new RangeError("GroupCommit needs maxBatch and maxInFlight of at least 1");
    }
  }

  write(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async flush(batch: Array<Waiting<I, O>>): Promise<void> {
    this.stats.batches += 1;
    this.stats.items += batch.length;
    let outcomes: Array<O | Error>;
    try {
      outcomes =
        batch.length === 1
          ? [await this.options.writeOne(batch[0]!.item)]
          : await this.options.writeBatch(batch.map((w) => w.item));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      this.stats.fallbacks += 1;
      await Promise.all(
        batch.map((w) =>
          this.options.writeOne(w.item).then(
            (value) => w.resolve(value),
            (e: unknown) => w.reject(e),
          ),
        ),
      );
      return;
    }
    if (outcomes.length !== batch.length) {
      const err = new Error(`writeBatch answered ${outcomes.length} outcomes for ${batch.length} items`);
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) w.reject(outcome);
      else w.resolve(outcome);
    });
  }
}

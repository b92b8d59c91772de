import type { JobBus } from "@atelier/bus";
import { type Database, rowsOf, sql } from "@atelier/db";
import { type Logger, orgStreamId } from "@atelier/shared";

/**
 * Tells an organization's stream its new balance after a commit changed it. Changes within
 * `coalesceMs` are told once, from one read of every organization touched: a burst of 200
 * submissions costs a handful of events, and no submission waits for one. A lost event is logged
 * only; the next change (or a reload) shows the truth.
 */
export class BalanceNotifier {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly bus: JobBus,
    private readonly log: Logger,
    private readonly coalesceMs = 25,
  ) {}

  changed(orgIds: string | readonly string[]): void {
    for (const id of typeof orgIds === "string" ? [orgIds] : orgIds) this.pending.add(id);
    if (this.pending.size === 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.running.then(() => this.send());
    }, this.coalesceMs);
    this.timer.unref();
  }

  /** Sends what is pending now (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.running = this.running.then(() => this.send());
    }
    await this.running;
  }

  private async send(): Promise<void> {
    const orgIds = [...this.pending];
    this.pending.clear();
    if (orgIds.length === 0) return;
    try {
      const rows = rowsOf<{ id: string; credits: number; credits_reserved: number }>(
        await this.db.execute(
          sql`select id, credits, credits_reserved from organizations where id = any(${`{${orgIds.join(",")}}`}::uuid[])`,
        ),
      );
      await Promise.all(
        rows.map((r) =>
          this.bus.appendEvent(orgStreamId(r.id), {
            type: "billing.balance",
            orgId: r.id,
            credits: r.credits,
            reserved: r.credits_reserved,
          }),
        ),
      );
    } catch (err) {
      this.log.warn({ err, orgIds }, "balance events not appended");
    }
  }
}

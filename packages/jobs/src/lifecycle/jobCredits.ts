import type { Database, Executor } from "@atelier/db";
import type { Logger } from "@atelier/shared";
import type { BalanceNotifier } from "../billing/balanceNotifier.ts";
import {
  type BillingMode,
  capturedCredits,
  type Reconciled,
  reconcileReservations,
  reserveAgain,
  settleJob,
} from "../billing/creditLedger.ts";
import type { JobRow } from "../jobRow.ts";
import type { StoredOutput } from "../worker/storeOutputs.ts";
import { insufficientCredits } from "./refusals.ts";

/**
 * The credit-ledger writes of the lifecycle's transitions, each in the transaction of the transition
 * that calls it: an end of a job settles its reservation (captured on success, released on failure
 * or cancel), a person's requeue reserves its price again. The reserve row of a submission is part
 * of the submission's own statement (jobInsert.ts). Balances are told after the commit, by the caller.
 */
export class JobCredits {
  constructor(
    private readonly db: Database,
    private readonly billing: BillingMode | undefined,
    private readonly balances: BalanceNotifier,
    private readonly log: Logger,
  ) {}

  /** Captures what a succeeded job used: its price, megapixels scaled by its outputs' real pixels. */
  async capture(tx: Executor, job: JobRow, outputs: readonly StoredOutput[], memo: string): Promise<void> {
    const outputPixels = outputs.reduce(
      (sum, o) => sum + (o.artifact.width ?? 0) * (o.artifact.height ?? 0),
      0,
    );
    const used = capturedCredits(job.spec, job.creditsReserved, outputPixels);
    await settleJob(tx, job.id, { kind: "capture", used }, memo);
  }

  /** Gives a failed or cancelled job's whole reservation back. */
  async release(tx: Executor, jobId: string, memo: string): Promise<void> {
    await settleJob(tx, jobId, { kind: "release" }, memo);
  }

  /** Reserves a requeued job's price again, or throws INSUFFICIENT_CREDITS (rolling its transaction back). */
  async reserveAgain(tx: Executor, jobId: string, memo: string): Promise<void> {
    const reserved = await reserveAgain(tx, jobId, this.billing === "credits", memo);
    if (!reserved.ok) throw insufficientCredits(reserved.price, reserved.balance, null);
  }

  /** Settles reservations whose job ended without its settlement (see reconcileReservations). */
  async reconcile(): Promise<Reconciled> {
    const result = await reconcileReservations(this.db);
    if (result.captured + result.released > 0) {
      this.balances.changed(result.orgIds);
      this.log.info(result, "reservations reconciled");
    }
    return result;
  }
}

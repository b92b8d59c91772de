import { type Database, type Executor, rowsOf, sql } from "@atelier/db";
import { AppError, type Failure } from "@atelier/shared";
import type { SubmitJobInput } from "./submission.ts";

/**
 * The errors a transition refuses with: the organization's cap of live jobs, its balance, a retry
 * that would fail the same way. Each says what to do next.
 */

export function atCap(maxLiveJobs: number, limit?: SubmitJobInput["liveJobsLimit"]): AppError {
  if (limit?.source === "plan") {
    return new AppError(
      "PLAN_CONCURRENCY_LIMIT",
      `The ${limit.planName} plan runs at most ${maxLiveJobs} jobs at once and your organization has that many queued or running; submit more when some have finished, or move to a larger plan.`,
      { maxLiveJobs, plan: limit.planName, retryAfterSec: 5 },
    );
  }
  return new AppError(
    "RATE_LIMITED",
    `Your organization already has ${maxLiveJobs} jobs queued or running; submit more when some have finished.`,
    { maxLiveJobs, retryAfterSec: 5 },
  );
}

/** The price, the balance and what to do: buy a pack, ask for a grant, or make the job smaller. */
export function insufficientCredits(price: number, balance: number, reserved: number | null): AppError {
  const held = reserved ? ` (${reserved} more are held by jobs still running)` : "";
  return new AppError(
    "INSUFFICIENT_CREDITS",
    `This job costs ${price} credits and your organization has ${balance} available${held}. Buy a credit pack on the Billing page or ask your operator for a grant, or run it on fewer or smaller images.`,
    { price, balance, ...(reserved !== null ? { reserved } : {}) },
  );
}

/** A person's retry of a job that failed on its own input: the same parameters and images would fail again. */
export function failedOnInput(jobId: string, failure: Failure): AppError {
  return new AppError(
    "CONFLICT",
    `This job failed on its input (${failure.message}); running it again would fail the same way. Change the parameters or images and run a new job.`,
    { jobId, error: failure },
  );
}

/**
 * Why a submission wrote nothing: the balance (when credits are enforced), or the live-jobs cap. Read
 * after the fact, for the message only.
 */
export async function submitRefusal(
  db: Database,
  enforceCredits: boolean,
  input: SubmitJobInput,
  price: number,
): Promise<AppError> {
  const [org] = rowsOf<{ credits: number; credits_reserved: number; live_jobs: number }>(
    await db.execute(
      sql`select credits, credits_reserved, live_jobs from organizations where id = ${input.orgId}`,
    ),
  );
  if (enforceCredits && org && org.credits < price) {
    return insufficientCredits(price, org.credits, org.credits_reserved);
  }
  return atCap(input.maxLiveJobs ?? 0, input.liveJobsLimit);
}

/**
 * Locks the organization of a job for the rest of `tx` while it has fewer than `maxLiveJobs` queued
 * or running jobs, or throws the cap's error (rolling `tx` back): concurrent requeues queue on the lock.
 */
export async function lockBelowCap(tx: Executor, jobId: string, maxLiveJobs: number): Promise<void> {
  const free = rowsOf(
    await tx.execute(sql`
      select 1 from organizations
      where id = (select org_id from jobs where id = ${jobId}) and live_jobs < ${maxLiveJobs}
      for update`),
  );
  if (free.length === 0) throw atCap(maxLiveJobs);
}

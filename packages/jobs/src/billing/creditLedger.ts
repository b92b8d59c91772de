import { type Database, type Executor, rowsOf, type schema, sql } from "@atelier/db";
import { type JobPrice, usedCredits } from "@atelier/pipeline";

/**
 * `credits`: a submission is refused with INSUFFICIENT_CREDITS when the organization cannot pay for
 * it. `off` (the default): credits are unlimited, but every job is still reserved, captured and
 * released in the ledger, so usage is metered everywhere.
 */
export type BillingMode = "off" | "credits";

export interface Balance {
  /** Credits the organization can spend now. */
  credits: number;
  /** Credits its queued and running jobs hold. */
  reserved: number;
}

/** A job's price as its spec keeps it (`spec.price`), for capturing what it really used. */
export type StoredPrice = JobPrice;

export function storedPriceOf(spec: unknown): StoredPrice | null {
  const price = (spec as { price?: Partial<StoredPrice> } | null)?.price;
  if (!price || typeof price.credits !== "number") return null;
  return {
    credits: price.credits,
    perRun: price.perRun ?? 0,
    perMegapixel: price.perMegapixel ?? 0,
    megapixels: price.megapixels ?? 0,
    outputPixels: price.outputPixels ?? 0,
  };
}

/** What a finished job used, from its stored price and the pixels of its outputs. */
export function capturedCredits(spec: unknown, reserved: number, outputPixels: number): number {
  const price = storedPriceOf(spec);
  if (!price) return reserved;
  return Math.min(reserved, usedCredits(price, price.outputPixels, outputPixels));
}

/** The SQL of a reserve row for a job, to embed in the statement that writes or requeues it. */
export function reserveRowSql(job: {
  orgId: string;
  jobId: string;
  credits: number;
  userId: string | null;
  preset: string | null;
  memo: string;
}) {
  return sql`insert into credit_ledger (org_id, kind, amount, held, job_id, memo, user_id, preset)
    values (${job.orgId}, 'reserve', ${-job.credits}, ${job.credits}, ${job.jobId}, ${job.memo},
            ${job.userId}, ${job.preset})`;
}

/**
 * Ends the hold of every open reservation of a job: a capture gives back what the job did not use
 * (`used` at most the reservation), a release gives all of it back. A reservation is settled once
 * (unique `reservation_id`): a second settlement, however it races the first, writes nothing.
 * Returns the organizations whose balance changed.
 */
export async function settleJob(
  db: Executor,
  jobId: string,
  how: { kind: "capture"; used: number } | { kind: "release" },
  memo: string,
): Promise<string[]> {
  const amount = how.kind === "capture" ? sql`r.held - least(r.held, ${how.used})` : sql`r.held`;
  const rows = rowsOf<{ org_id: string }>(
    await db.execute(sql`
      insert into credit_ledger (org_id, kind, amount, held, job_id, reservation_id, memo, user_id, preset)
      select r.org_id, ${how.kind}::ledger_kind, ${amount}, -r.held, r.job_id, r.id, ${memo}, r.user_id, r.preset
      from credit_ledger r
      where r.job_id = ${jobId} and r.kind = 'reserve'
        and not exists (select 1 from credit_ledger s where s.reservation_id = r.id)
      on conflict (reservation_id) where reservation_id is not null do nothing
      returning org_id`),
  );
  return [...new Set(rows.map((r) => r.org_id))];
}

/**
 * Reserves a job's price again (a person's retry, a requeued dead letter) under the organization's
 * row lock; false, writing nothing, when `enforce` and the balance does not cover it.
 */
export async function reserveAgain(
  tx: Executor,
  jobId: string,
  enforce: boolean,
  memo: string,
): Promise<{ ok: true } | { ok: false; price: number; balance: number }> {
  const [row] = rowsOf<{
    org_id: string;
    credits: number;
    price: number;
    created_by: string | null;
    spec: unknown;
  }>(
    await tx.execute(sql`
      select o.id as org_id, o.credits, j.credits_reserved as price, j.created_by, j.spec
      from jobs j join organizations o on o.id = j.org_id
      where j.id = ${jobId}
      for update of o`),
  );
  if (!row) return { ok: true };
  if (enforce && row.credits < row.price) return { ok: false, price: row.price, balance: row.credits };
  const preset = (row.spec as { preset?: string } | null)?.preset ?? null;
  await tx.execute(
    reserveRowSql({ orgId: row.org_id, jobId, credits: row.price, userId: row.created_by, preset, memo }),
  );
  return { ok: true };
}

export interface LedgerEntryInput {
  orgId: string;
  kind: Extract<schema.LedgerKind, "grant" | "purchase" | "refund" | "expiry" | "adjustment">;
  amount: number;
  memo: string;
  userId?: string | null;
  /** The payment event it came from: the same event and kind is written once (unique index). */
  stripeEventId?: string | null;
}

/** Appends a grant, purchase, refund, expiry or adjustment; false when its event was already applied. */
export async function appendEntry(db: Executor, entry: LedgerEntryInput): Promise<boolean> {
  const rows = rowsOf(
    await db.execute(sql`
      insert into credit_ledger (org_id, kind, amount, held, memo, user_id, stripe_event_id)
      values (${entry.orgId}, ${entry.kind}::ledger_kind, ${entry.amount}, 0, ${entry.memo},
              ${entry.userId ?? null}, ${entry.stripeEventId ?? null})
      on conflict (stripe_event_id, kind) where stripe_event_id is not null do nothing
      returning id`),
  );
  return rows.length > 0;
}

export async function balanceOf(db: Executor, orgId: string): Promise<Balance> {
  const [row] = rowsOf<{ credits: number; credits_reserved: number }>(
    await db.execute(sql`select credits, credits_reserved from organizations where id = ${orgId}`),
  );
  return { credits: row?.credits ?? 0, reserved: row?.credits_reserved ?? 0 };
}

export interface Reconciled {
  captured: number;
  released: number;
  orgIds: string[];
}

/**
 * Settles reservations whose job ended without its settlement (or is gone): succeeded jobs are
 * captured from their outputs, failed, cancelled and deleted ones released. Every lifecycle move
 * settles in its own transaction, so this finds only what another path left (a job ended by hand, a
 * row deleted); safe to run anywhere at any time, since each reservation is settled once.
 */
export async function reconcileReservations(db: Database, limit = 500): Promise<Reconciled> {
  const open = rowsOf<{
    id: number;
    job_id: string | null;
    held: number;
    status: string | null;
    spec: unknown;
    output_pixels: number | null;
  }>(
    await db.execute(sql`
      select r.id, r.job_id, r.held, j.status, j.spec,
        (select coalesce(sum(o.width::bigint * o.height), 0)::float8 from job_outputs o where o.job_id = j.id) as output_pixels
      from credit_ledger r left join jobs j on j.id = r.job_id
      where r.kind = 'reserve'
        and not exists (select 1 from credit_ledger s where s.reservation_id = r.id)
        and (j.id is null or j.status in ('succeeded', 'failed', 'cancelled'))
      order by r.id
      limit ${limit}`),
  );
  const result: Reconciled = { captured: 0, released: 0, orgIds: [] };
  const orgIds = new Set<string>();
  for (const r of open) {
    const capture = r.status === "succeeded";
    const amount = capture ? r.held - capturedCredits(r.spec, r.held, r.output_pixels ?? 0) : r.held;
    const memo = `reconciled: job ${r.status ?? "deleted"}`;
    const written = rowsOf<{ org_id: string }>(
      await db.execute(sql`
        insert into credit_ledger (org_id, kind, amount, held, job_id, reservation_id, memo, user_id, preset)
        select r.org_id, ${capture ? "capture" : "release"}::ledger_kind, ${amount}, -r.held, r.job_id, r.id,
               ${memo}, r.user_id, r.preset
        from credit_ledger r where r.id = ${r.id}
        on conflict (reservation_id) where reservation_id is not null do nothing
        returning org_id`),
    );
    for (const w of written) {
      orgIds.add(w.org_id);
      if (capture) result.captured++;
      else result.released++;
    }
  }
  result.orgIds = [...orgIds];
  return result;
}

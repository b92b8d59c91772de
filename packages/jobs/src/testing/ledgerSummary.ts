import { type Database, rowsOf, sql } from "@atelier/db";

export interface LedgerSummary {
  /** The organization's cached figures (kept by the ledger's trigger). */
  credits: number;
  reserved: number;
  /** The same figures summed from the ledger itself. */
  sumAmount: number;
  sumHeld: number;
  /** Per job: reservations, captures, releases and what it was charged (minus its rows' amounts). */
  jobs: Map<string, { reserves: number; captures: number; releases: number; charged: number }>;
}

/** Everything a test needs to say the ledger adds up, read straight from the tables. */
export async function ledgerSummary(db: Database, orgId: string): Promise<LedgerSummary> {
  const [org] = rowsOf<{ credits: number; credits_reserved: number }>(
    await db.execute(sql`select credits, credits_reserved from organizations where id = ${orgId}`),
  );
  const rows = rowsOf<{ kind: string; amount: number; held: number; job_id: string | null }>(
    await db.execute(sql`select kind, amount, held, job_id from credit_ledger where org_id = ${orgId}`),
  );
  const jobs: LedgerSummary["jobs"] = new Map();
  for (const r of rows) {
    if (!r.job_id) continue;
    const j = jobs.get(r.job_id) ?? { reserves: 0, captures: 0, releases: 0, charged: 0 };
    if (r.kind === "reserve") j.reserves++;
    if (r.kind === "capture") j.captures++;
    if (r.kind === "release") j.releases++;
    j.charged -= r.amount;
    jobs.set(r.job_id, j);
  }
  return {
    credits: org?.credits ?? 0,
    reserved: org?.credits_reserved ?? 0,
    sumAmount: rows.reduce((s, r) => s + r.amount, 0),
    sumHeld: rows.reduce((s, r) => s + r.held, 0),
    jobs,
  };
}

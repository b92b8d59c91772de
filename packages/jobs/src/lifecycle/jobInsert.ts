import { type Database, executePrepared, rowsOf, sql } from "@atelier/db";
import { busMessageOf, JOB_PUBLISH_TOPIC, type JobRow } from "../jobRow.ts";
import { GroupCommit } from "./groupCommit.ts";
import type { StepRow } from "./submission.ts";

/** One submission's rows: the job, its steps and (written with them) its outbox row. */
export interface JobInsert {
  job: JobRow;
  steps: StepRow[];
  /** The organization's cap of queued and running jobs, this one included; uncapped when absent. */
  maxLiveJobs?: number;
  /** Its price, reserved in the same statement (a `reserve` row of the credit ledger). */
  credits: number;
  /** Refuse it when the organization's spendable credits do not cover the price (ATELIER_BILLING=credits). */
  enforceCredits: boolean;
  /** The preset it came from, kept on the ledger row. */
  preset: string | null;
}

export interface GroupCommitSettings {
  /** Most submissions in one statement. */
  maxBatch: number;
  /** Statements running at once; each holds a database connection. */
  maxInFlight: number;
}

/** The id of a job's outbox row. */
export type OutboxId = number;

/** A batch's answer for a submission it refused: only a write of its own can say no for sure. */
const ASK_ALONE = "ask-alone";

/**
 * One statement at a time per process: what arrives while it commits (an fsync, a few ms) goes in the
 * next one. Measured with bench/lifecycle.ts against 2 and 4 at once: more jobs a second (825 vs 732
 * and 683 sustained) for less Postgres CPU per job (0.38 vs 0.49 and 0.57 ms), since parallel
 * statements at a moderate rate each carry one job and pay a commit each.
 */
export const DEFAULT_GROUP_COMMIT: GroupCommitSettings = { maxBatch: 64, maxInFlight: 1 };

/**
 * Writes submissions: alone when the database is idle, together in one statement when they arrive
 * while others are being written (group commit, see groupCommit.ts). Answers the id of the job's
 * outbox row (the relay marks it published by that key), or null for a submission refused at its
 * organization's cap or balance; throws for one that could not be written.
 */
export class JobWriter {
  private readonly group: GroupCommit<JobInsert, OutboxId | null | typeof ASK_ALONE> | undefined;

  constructor(
    private readonly db: Database,
    settings: GroupCommitSettings | false = DEFAULT_GROUP_COMMIT,
  ) {
    this.group = settings
      ? new GroupCommit<JobInsert, OutboxId | null | typeof ASK_ALONE>({
          ...settings,
          writeOne: (item) => insertJob(this.db, item),
          writeBatch: (items) => insertJobs(this.db, items),
        })
      : undefined;
  }

  async write(item: JobInsert): Promise<OutboxId | null> {
    if (!this.group) return insertJob(this.db, item);
    const written = await this.group.write(item);
    // Refused inside a batch, which counts every earlier submission of the organization against its
    // room, written or not: asked once more alone before the answer is no.
    return written === ASK_ALONE ? insertJob(this.db, item) : written;
  }

  get stats() {
    return this.group?.stats;
  }
}

/**
 * The job, its steps, its credit reservation and its outbox row in ONE statement. The organization's
 * row is locked first when there is a cap or a balance to check: submits of one organization queue
 * on it, so neither the live-jobs cap nor the balance can be passed by a burst; the statement writes
 * nothing when either refuses. Fixed SQL text with the steps as one JSON parameter: each connection keeps
 * it prepared, and no query builder runs on this path, which every submit takes.
 */
export async function insertJob(db: Database, item: JobInsert): Promise<OutboxId | null> {
  const { job, steps, maxLiveJobs, credits, enforceCredits, preset } = item;
  const capped = maxLiveJobs !== undefined;
  const slot =
    !capped && !enforceCredits
      ? sql`select 1`
      : sql`select 1 from organizations where id = ${job.orgId}
              and ${capped ? sql`live_jobs < ${maxLiveJobs}` : sql`true`}
              and ${enforceCredits ? sql`credits >= ${credits}` : sql`true`}
            for update`;
  const written = rowsOf<{ id: string }>(
    await executePrepared(
      db,
      sql`
      with slot as (${slot}),
      job as (
        insert into jobs (id, org_id, project_id, created_by, status, priority, vram_mb, spec, asset_ids,
                          input_revisions, attempt, max_attempts, created_at, updated_at, credits_reserved,
                          webhook_url, webhook_events)
        select ${job.id}, ${job.orgId}, ${job.projectId}, ${job.createdBy}, 'queued', ${job.priority},
               ${job.vramMb}, ${JSON.stringify(job.spec)}::jsonb, ${`{${job.assetIds.join(",")}}`}::uuid[],
               ${JSON.stringify(job.inputRevisions)}::jsonb, 1,
               ${job.maxAttempts}, ${job.createdAt.toISOString()}, ${job.updatedAt.toISOString()},
               ${credits},
               ${job.webhookUrl}, ${job.webhookEvents ? `{${job.webhookEvents.join(",")}}` : null}::text[]
        from slot
        returning id
      ),
      steps as (
        insert into job_steps (job_id, index, step, params, vram_mb, expected_ms)
        select job.id, s.index, s.step, s.params, s.vram_mb, s.expected_ms
        from job, jsonb_to_recordset(${JSON.stringify(steps)}::jsonb)
          as s(index integer, step text, params jsonb, vram_mb integer, expected_ms integer)
      ),
      reserve as (
        insert into credit_ledger (org_id, kind, amount, held, job_id, memo, user_id, preset)
        select ${job.orgId}, 'reserve', ${-credits}, ${credits}, job.id, 'job submitted',
               ${job.createdBy}, ${preset}
        from job
      )
      insert into outbox (topic, payload)
      select ${JOB_PUBLISH_TOPIC}, ${JSON.stringify(busMessageOf(job))}::jsonb from job
      returning id
    `,
    ),
  );
  return written[0] ? Number(written[0].id) : null;
}

/**
 * Many submissions in one statement, one JSON parameter: what `insertJob` writes for each, with the
 * same cap and balance. The organizations with a cap or a balance to check are locked in id order
 * (two batches never wait on each other crosswise); the k-th such submission of an organization in
 * the batch is written only when `live_jobs + k <= cap` and the prices of its first k fit in the
 * spendable credits, so a batch cannot pass either any more than single writes can (it may refuse
 * one that a single write would take; `JobWriter` asks those again alone).
 * Answers, in order, the outbox row id of each written and ASK_ALONE for each refused.
 */
export async function insertJobs(
  db: Database,
  items: JobInsert[],
): Promise<Array<OutboxId | typeof ASK_ALONE>> {
  const input = items.map(({ job, steps, maxLiveJobs, credits, enforceCredits, preset }, ord) => ({
    ord,
    id: job.id,
    org_id: job.orgId,
    project_id: job.projectId,
    created_by: job.createdBy,
    priority: job.priority,
    vram_mb: job.vramMb,
    spec: job.spec,
    asset_ids: job.assetIds,
    input_revisions: job.inputRevisions,
    max_attempts: job.maxAttempts,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    webhook_url: job.webhookUrl,
    webhook_events: job.webhookEvents,
    cap: maxLiveJobs ?? null,
    credits,
    enforce: enforceCredits,
    preset,
    steps,
    message: busMessageOf(job),
  }));
  const written = rowsOf<{ job_id: string; id: string }>(
    await executePrepared(
      db,
      sql`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as i(
          ord integer, id uuid, org_id uuid, project_id uuid, created_by uuid, priority job_priority,
          vram_mb integer, spec jsonb, asset_ids uuid[], input_revisions jsonb, max_attempts integer,
          created_at timestamptz, updated_at timestamptz, webhook_url text, webhook_events text[], cap integer, credits integer, enforce boolean,
          preset text, steps jsonb, message jsonb)
      ),
      checked as (
        select o.id, o.live_jobs, o.credits from organizations o
        where o.id in (select org_id from input where cap is not null or enforce)
        order by o.id
        for update
      ),
      accepted as (
        select i.* from (
          select input.*,
                 row_number() over (partition by org_id order by ord) as k,
                 sum(credits) over (partition by org_id order by ord) as spent
          from input
        ) i
        left join checked c on c.id = i.org_id
        where (i.cap is null or (c.id is not null and c.live_jobs + i.k <= i.cap))
          and (not i.enforce or (c.id is not null and c.credits >= i.spent))
      ),
      job as (
        insert into jobs (id, org_id, project_id, created_by, status, priority, vram_mb, spec, asset_ids,
                          input_revisions, attempt, max_attempts, created_at, updated_at, credits_reserved,
                          webhook_url, webhook_events)
        select id, org_id, project_id, created_by, 'queued', priority, vram_mb, spec, asset_ids,
               input_revisions, 1, max_attempts, created_at, updated_at, credits, webhook_url, webhook_events
        from accepted
        returning id
      ),
      steps as (
        insert into job_steps (job_id, index, step, params, vram_mb, expected_ms)
        select job.id, s.index, s.step, s.params, s.vram_mb, s.expected_ms
        from job join accepted a on a.id = job.id,
          jsonb_to_recordset(a.steps) as s(index integer, step text, params jsonb, vram_mb integer, expected_ms integer)
      ),
      reserve as (
        insert into credit_ledger (org_id, kind, amount, held, job_id, memo, user_id, preset)
        select a.org_id, 'reserve', -a.credits, a.credits, a.id, 'job submitted', a.created_by, a.preset
        from job join accepted a on a.id = job.id
      ),
      outbox_rows as (
        insert into outbox (topic, payload)
        select ${JOB_PUBLISH_TOPIC}, a.message from job join accepted a on a.id = job.id
        order by a.ord
        returning id, payload->>'jobId' as job_id
      )
      select job_id, id from outbox_rows
    `,
    ),
  );
  const outboxIds = new Map(written.map((r) => [r.job_id, Number(r.id)]));
  return items.map(({ job }) => outboxIds.get(job.id) ?? ASK_ALONE);
}

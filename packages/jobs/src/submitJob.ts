import { randomUUID } from "node:crypto";
import { type Database, sql } from "@atelier/db";
import { catalogue as fullCatalogue, parsePipelineSpec, type StepCatalogue } from "@atelier/pipeline";
import { AppError, type PriorityClass } from "@atelier/shared";
import { JOB_PUBLISH_TOPIC, type JobRow, jobMessage } from "./jobMessage.ts";

export interface SubmitJobInput {
  orgId: string;
  projectId: string;
  createdBy: string | null;
  assetIds: string[];
  /** `{ steps: [{ step, params }] }`, checked against the step catalogue. */
  spec: unknown;
  /** The preset the spec came from, kept with the spec for the job view. */
  preset?: string;
  params?: Record<string, unknown>;
  priority: PriorityClass;
  maxAttempts?: number;
}

export interface SubmitJobOptions {
  /** Steps a spec may name; the pipeline package's full catalogue by default. */
  catalogue?: StepCatalogue;
}

/**
 * Validates the spec, then writes the job, its steps and its outbox row in one transaction, so a
 * job is either fully queued or not there at all. The dispatcher publishes it; call its `kick()`.
 */
export async function submitJob(
  db: Database,
  input: SubmitJobInput,
  options: SubmitJobOptions = {},
): Promise<JobRow> {
  const planned = parsePipelineSpec(input.spec, options.catalogue ?? fullCatalogue);
  if (input.assetIds.length === 0) {
    throw new AppError("VALIDATION_ERROR", "Choose at least one asset.", { path: ["assetIds"] });
  }
  const maxAttempts = input.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw new AppError("VALIDATION_ERROR", "maxAttempts must be a whole number from 1 to 20.", {
      maxAttempts,
    });
  }
  const vramMb = Math.max(0, ...planned.map((p) => p.definition.vramMb));
  const steps = planned.map((p, index) => ({
    step: p.definition.name,
    params: (p.params ?? {}) as Record<string, unknown>,
    index,
    vramMb: p.definition.vramMb,
  }));
  const spec = {
    steps: steps.map(({ step, params }) => ({ step, params })),
    ...(input.preset !== undefined ? { preset: input.preset } : {}),
    ...(input.params !== undefined ? { params: input.params } : {}),
  };

  // The whole row is known here (the id too), so job, steps and outbox row go in one statement:
  // atomic without a transaction, and one round trip to the database instead of four.
  const now = new Date();
  const job: JobRow = {
    id: randomUUID(),
    orgId: input.orgId,
    projectId: input.projectId,
    createdBy: input.createdBy,
    status: "queued",
    priority: input.priority,
    vramMb,
    spec,
    assetIds: input.assetIds,
    attempt: 1,
    maxAttempts,
    nodeId: null,
    progress: 0,
    error: null,
    creditsReserved: 0,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
  };
  // Fixed SQL text with the steps as one JSON parameter: the server keeps it prepared, and no
  // query builder runs on this path, which every submit takes.
  const stepRows = steps.map((s) => ({ index: s.index, step: s.step, params: s.params, vram_mb: s.vramMb }));
  const assetIds = `{${job.assetIds.join(",")}}`;
  await db.execute(sql`
    with job as (
      insert into jobs (id, org_id, project_id, created_by, status, priority, vram_mb, spec, asset_ids,
                        attempt, max_attempts, created_at, updated_at)
      values (${job.id}, ${job.orgId}, ${job.projectId}, ${job.createdBy}, 'queued', ${job.priority},
              ${job.vramMb}, ${JSON.stringify(spec)}::jsonb, ${assetIds}::uuid[], 1, ${job.maxAttempts},
              ${now.toISOString()}, ${now.toISOString()})
    ),
    steps as (
      insert into job_steps (job_id, index, step, params, vram_mb)
      select ${job.id}::uuid, s.index, s.step, s.params, s.vram_mb
      from jsonb_to_recordset(${JSON.stringify(stepRows)}::jsonb)
        as s(index integer, step text, params jsonb, vram_mb integer)
    )
    insert into outbox (topic, payload) values (${JOB_PUBLISH_TOPIC}, ${JSON.stringify(jobMessage(job))}::jsonb)
  `);
  return job;
}

import { randomUUID } from "node:crypto";
import {
  type AssetFormat,
  assertJobSizeWithin,
  checkPlannedSteps,
  catalogue as fullCatalogue,
  type ImageSize,
  type JobPrice,
  type JobSizeLimits,
  type OrgPipelineSettings,
  type PipelineEnv,
  type PlannedStep,
  parsePipelineSpec,
  planJobSize,
  priceJob,
  type StepCatalogue,
} from "@atelier/pipeline";
import { AppError, type PriorityClass } from "@atelier/shared";
import type { JobRow } from "../jobRow.ts";

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
  /** Edit document revision per asset the job renders its inputs at; absent or 0 runs on the original. */
  inputRevisions?: Record<string, number>;
  /** Expected ms of each step (StepEstimates), kept with the job's steps. */
  expectedMs?: readonly number[];
  /**
   * Refuses a job whose planned work is over the limits (see planJobSize): the input assets' sizes,
   * in order, and the organization's formats. Unchecked when absent (trusted callers, tests).
   */
  sizeCheck?: {
    inputs: ImageSize[];
    orgFormats: readonly AssetFormat[];
    limits: JobSizeLimits;
    /** When the organization's plan sets the largest image (lower than the installation's limit). */
    plan?: { name: string; maxImageMegapixels: number };
  };
  /**
   * Most jobs the organization may have queued or running, this one included; refused with
   * RATE_LIMITED past it, however many submit at once. Uncapped when absent.
   */
  maxLiveJobs?: number;
  /** Whose limit `maxLiveJobs` is, for the refusal's code and message: the plan's or the installation's. */
  liveJobsLimit?: { source: "plan"; planName: string } | { source: "installation" };
  /** The job's price (priceJob), kept in its spec and reserved with it. Computed by the lifecycle when absent. */
  price?: JobPrice;
  /** The job's own webhook URL (checked by the caller: no private addresses) and the events it gets. */
  webhook?: { url: string; events?: readonly string[] };
}

export interface StepRow {
  index: number;
  step: string;
  params: Record<string, unknown>;
  vram_mb: number;
  /** Filled in by the lifecycle from the step estimates; progress and time left are weighted by it. */
  expected_ms: number | null;
}

export interface Submission {
  job: JobRow;
  steps: StepRow[];
  planned: PlannedStep[];
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Checks a submission against the step catalogue and builds the rows it becomes, ids included, so
 * the lifecycle can write them in one statement. Nothing is written here.
 */
export function prepareSubmission(
  input: SubmitJobInput,
  catalogue: StepCatalogue = fullCatalogue,
  now = new Date(),
): Submission {
  const planned = parsePipelineSpec(input.spec, catalogue);
  if (input.assetIds.length === 0) {
    throw new AppError("VALIDATION_ERROR", "Choose at least one asset.", { path: ["assetIds"] });
  }
  if (input.sizeCheck) {
    const { inputs, orgFormats, limits, plan } = input.sizeCheck;
    const size = planJobSize(planned, inputs, { orgFormats });
    const { largest } = size;
    if (plan && largest.width * largest.height > plan.maxImageMegapixels * 1e6) {
      const mp = Math.round((largest.width * largest.height) / 1e5) / 10;
      throw new AppError(
        "PLAN_RESOLUTION_LIMIT",
        `Step ${largest.index + 1} (${largest.step}) would make a ${largest.width}×${largest.height} image (${mp} MP); the ${plan.name} plan makes images up to ${plan.maxImageMegapixels} MP. Use a smaller scale or size, or move to a larger plan.`,
        {
          path: ["steps", largest.index],
          megapixels: mp,
          maxMegapixels: plan.maxImageMegapixels,
          plan: plan.name,
        },
      );
    }
    assertJobSizeWithin(size, limits);
  }
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw new AppError("VALIDATION_ERROR", "maxAttempts must be a whole number from 1 to 20.", {
      maxAttempts,
    });
  }
  const steps = planned.map(
    (p, index): StepRow => ({
      index,
      step: p.definition.name,
      params: (p.params ?? {}) as Record<string, unknown>,
      vram_mb: p.definition.vramMb,
      expected_ms: input.expectedMs?.[index] ?? null,
    }),
  );
  const spec = {
    steps: steps.map(({ step, params, expected_ms }) => ({
      step,
      params,
      ...(expected_ms !== null ? { expectedMs: expected_ms } : {}),
    })),
    ...(input.preset !== undefined ? { preset: input.preset } : {}),
    ...(input.params !== undefined ? { params: input.params } : {}),
    ...(input.price !== undefined ? { price: input.price } : {}),
  };
  const job: JobRow = {
    id: randomUUID(),
    orgId: input.orgId,
    projectId: input.projectId,
    createdBy: input.createdBy,
    status: "queued",
    priority: input.priority,
    vramMb: Math.max(0, ...steps.map((s) => s.vram_mb)),
    spec,
    assetIds: input.assetIds,
    inputRevisions: input.inputRevisions ?? {},
    attempt: 1,
    maxAttempts,
    nodeId: null,
    progress: 0,
    error: null,
    creditsReserved: input.price?.credits ?? 0,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    deletedAt: null,
    webhookUrl: input.webhook?.url ?? null,
    webhookEvents: input.webhook?.events ? [...input.webhook.events] : null,
  };
  return { job, steps, planned };
}

/**
 * What only the installation and the organization can tell, checked before anything is written: every
 * step runs here (STEP_UNAVAILABLE with the reason) and names in params are the organization's formats
 * and styles (VALIDATION_ERROR listing the valid ones). The organization is read only when a step names
 * something of it, so plain submissions cost no query.
 */
export async function checkSubmission(
  planned: readonly PlannedStep[],
  env: PipelineEnv,
  loadOrg: () => Promise<OrgPipelineSettings>,
): Promise<void> {
  const org = planned.some((p) => p.definition.checkParams) ? await loadOrg() : undefined;
  checkPlannedSteps(planned, { ...env, org });
}

/** One megapixel per input when a caller gives no sizes (trusted callers, tests). */
const UNKNOWN_SIZE: ImageSize = { width: 1000, height: 1000 };

/** The price of a submission from its planned steps and its inputs' sizes (`jobs.quote`, `submit`). */
export function priceSubmission(input: SubmitJobInput, planned: PlannedStep[]): JobPrice {
  const inputs = input.sizeCheck?.inputs ?? input.assetIds.map(() => UNKNOWN_SIZE);
  return priceJob(planned, inputs, { orgFormats: input.sizeCheck?.orgFormats ?? [] });
}

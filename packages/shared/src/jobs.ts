import { moderationViewSchema } from "./api.ts";
import { z } from "zod";
import { failureSchema } from "./failure.ts";
import { id } from "./ids.ts";
import { JOB_WEBHOOK_EVENT_TYPES, webhookUrlSchema } from "./integrations.ts";

/** Highest first: the order a node reads in when no aging applies. */
export const PRIORITY_CLASSES = ["interactive", "pro", "standard", "batch"] as const;
export const priorityClassSchema = z.enum(PRIORITY_CLASSES);
export type PriorityClass = z.infer<typeof priorityClassSchema>;

/** Parameters by name, checked in full by the step's or preset's own schema; here only their count. */
const paramsInput = z
  .record(z.string().max(64), z.unknown())
  .refine((params) => Object.keys(params).length <= 32, "Give at most 32 parameters.")
  .meta({ maxProperties: 32 });

/** Ordered steps; each step's params are checked against that step's own schema by the pipeline catalogue. */
export const pipelineSpecInput = z.object({
  steps: z
    .array(
      z.object({
        step: z.string().min(1).max(64),
        params: paramsInput.default({}),
      }),
    )
    .min(1, { message: "A pipeline needs at least one step." })
    .max(32, { message: "A pipeline has at most 32 steps." }),
});
export type PipelineSpecInput = z.infer<typeof pipelineSpecInput>;

export const createJobInput = z
  .object({
    projectId: id,
    /** The same asset named twice is run once: duplicates are dropped, in order. */
    assetIds: z
      .array(id)
      .min(1, { message: "Choose at least one asset." })
      .max(200)
      .transform((ids) => [...new Set(ids)]),
    /** Either a named preset with its params, or a spec of steps. */
    preset: z.string().min(1).max(64).optional(),
    params: paramsInput.default({}),
    spec: pipelineSpecInput.optional(),
    /**
     * "edited": each asset as its edit document shows it (crop, adjustments, overlays) at full resolution,
     * at the revision current when the job is submitted. "original": the untouched uploads.
     */
    source: z.enum(["edited", "original"]).default("edited"),
    /**
     * The job's own webhook, as on Replicate: its end (succeeded, failed, cancelled) is POSTed there in
     * the Standard Webhooks format, signed with the organization's job-webhook secret.
     */
    webhook: webhookUrlSchema.optional(),
    /** Which of the job's events go to `webhook`; all three when absent. */
    webhookEvents: z
      .array(z.enum(JOB_WEBHOOK_EVENT_TYPES))
      .min(1)
      .max(JOB_WEBHOOK_EVENT_TYPES.length)
      .optional(),
  })
  .refine((j) => (j.preset === undefined) !== (j.spec === undefined), {
    message: "Give either a preset or a spec of steps, not both.",
    path: ["spec"],
  });
export const jobInput = z.object({ jobId: id });
/** With `jobId`, one output of that job. */
export const outputIdInput = z.object({ outputId: id });

/**
 * How long a deleted asset, job or output can be brought back with Undo; after it its files are
 * removed from storage and the row is gone.
 */
export const DELETE_UNDO_MS = 10_000;
export const listJobsInput = z.object({
  projectId: id,
  limit: z.number().int().min(1).max(200).default(50),
});
export const deadLetterInput = z.object({ orgId: id, deadLetterId: z.string().min(1).max(100) });

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** A job in one of these has ended: nothing more happens to it unless someone retries or requeues it. */
export function isEndedJobStatus(status: string): boolean {
  return status === "succeeded" || status === "failed" || status === "cancelled";
}

export const jobOutputViewSchema = z.object({
  id: z.string(),
  /** Its role in the job: "cutout", "mask", "instagram-square". */
  name: z.string(),
  /** The file to save it as, the same in every client: `<input>.<role>.<ext>` ("astronaut.cutout.png"). */
  fileName: z.string(),
  mediaType: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  bytes: z.number(),
  /** A signed download URL; null while the output is held for review or was rejected. */
  url: z.string().nullable(),
  /** A signed URL of a WebP of at most 320 px, for lists; null for files that are not images and held outputs. */
  thumbnailUrl: z.string().nullable(),
  moderation: moderationViewSchema,
});
export type JobOutputView = z.infer<typeof jobOutputViewSchema>;

export const jobStepViewSchema = z.object({
  index: z.number(),
  step: z.string(),
  status: z.enum(["pending", "running", "succeeded", "failed", "skipped"]),
  progress: z.number(),
  /** How long it is expected to take for this job's inputs (learned from earlier runs); null if unknown. */
  expectedMs: z.number().nullable().default(null),
  startedAt: z.string().nullable().default(null),
  finishedAt: z.string().nullable().default(null),
});
export type JobStepView = z.infer<typeof jobStepViewSchema>;

export const jobViewSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  /** Who ran it: a member may delete their own jobs, an admin anyone's. */
  createdBy: z.string().nullable().default(null),
  status: jobStatusSchema,
  priority: priorityClassSchema,
  vramMb: z.number(),
  attempt: z.number(),
  maxAttempts: z.number(),
  progress: z.number(),
  preset: z.string().nullable(),
  assetIds: z.array(z.string()),
  /** The edit document revision each input asset was rendered at (0: its original). */
  inputRevisions: z.record(z.string(), z.number()),
  steps: z.array(jobStepViewSchema),
  nodeId: z.string().nullable(),
  error: failureSchema.nullable(),
  outputs: z.array(jobOutputViewSchema),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type JobView = z.infer<typeof jobViewSchema>;

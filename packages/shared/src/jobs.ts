import { z } from "zod";
import { id } from "./api.ts";

export const priorityClassSchema = z.enum(["interactive", "pro", "standard", "batch"]);
export type PriorityClass = z.infer<typeof priorityClassSchema>;

/** Ordered steps; each step's params are checked against that step's own schema by the pipeline catalogue. */
export const pipelineSpecInput = z.object({
  steps: z
    .array(
      z.object({
        step: z.string().min(1).max(64),
        params: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .min(1, { message: "A pipeline needs at least one step." })
    .max(32, { message: "A pipeline has at most 32 steps." }),
});
export type PipelineSpecInput = z.infer<typeof pipelineSpecInput>;

export const createJobInput = z
  .object({
    projectId: id,
    assetIds: z.array(id).min(1, { message: "Choose at least one asset." }).max(200),
    /** Either a named preset with its params, or a spec of steps. */
    preset: z.string().min(1).max(64).optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    spec: pipelineSpecInput.optional(),
  })
  .refine((j) => (j.preset === undefined) !== (j.spec === undefined), {
    message: "Give either a preset or a spec of steps, not both.",
    path: ["spec"],
  });
export const jobInput = z.object({ jobId: id });
export const listJobsInput = z.object({
  projectId: id,
  limit: z.number().int().min(1).max(200).default(50),
});
export const deadLetterInput = z.object({ orgId: id, deadLetterId: z.string().min(1).max(100) });

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface JobOutputView {
  id: string;
  name: string;
  mediaType: string;
  width: number | null;
  height: number | null;
  bytes: number;
  url: string;
}

export interface JobStepView {
  index: number;
  step: string;
  status: "pending" | "running" | "succeeded" | "failed" | "skipped";
  progress: number;
}

export interface JobView {
  id: string;
  projectId: string;
  status: JobStatus;
  priority: PriorityClass;
  vramMb: number;
  attempt: number;
  maxAttempts: number;
  progress: number;
  preset: string | null;
  assetIds: string[];
  steps: JobStepView[];
  nodeId: string | null;
  error: { code: string; message: string } | null;
  outputs: JobOutputView[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Events of a job on its project's stream; every one carries `jobId`. */
export type JobEvent =
  | { type: "job.queued"; jobId: string; job: JobView }
  | { type: "job.claimed"; jobId: string; nodeId: string; attempt: number }
  | { type: "job.step.started"; jobId: string; index: number; step: string; total: number }
  | { type: "job.progress"; jobId: string; index: number; step: string; fraction: number; overall: number }
  | {
      type: "job.preview";
      jobId: string;
      index: number;
      step: string;
      width: number;
      height: number;
      webpBase64: string;
    }
  | { type: "job.step.finished"; jobId: string; index: number; step: string; ms: number }
  | { type: "job.succeeded"; jobId: string; outputs: JobOutputView[] }
  | { type: "job.failed"; jobId: string; error: { code: string; message: string }; attempt: number }
  | { type: "job.cancelled"; jobId: string }
  | {
      type: "job.retrying";
      jobId: string;
      attempt: number;
      at: string;
      error: { code: string; message: string };
    };

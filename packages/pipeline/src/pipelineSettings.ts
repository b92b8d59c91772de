import { z } from "zod";
import type { PipelineEnv } from "./step.ts";

/**
 * The settings every process that runs steps reads (server, GPU node, CLI), under one set of names.
 * Each process spreads these into its own env schema, so a name means the same thing everywhere.
 */
export const pipelineSettingsShape = {
  /** Largest decoded image accepted, in pixels (default 100 megapixels). */
  MAX_INPUT_PIXELS: z.coerce
    .number({ error: "MAX_INPUT_PIXELS must be a number of pixels, e.g. 100000000." })
    .int()
    .positive()
    .default(100_000_000),
  /** ONNX execution providers to try, in order (cpu, webgpu, cuda). */
  EXECUTION_PROVIDERS: z.string().default("cpu"),
  /** Folder of operator-added ONNX models with a manifest.json. */
  ATELIER_MODELS_DIR: z.string().optional(),
  /** Token for hosted generative models (Replicate); unset lists `generate` and `staging` as unavailable. */
  REPLICATE_API_TOKEN: z.string().min(1).optional(),
  REPLICATE_BASE_URL: z.url().default("https://api.replicate.com"),
  /** RAM all model sessions (inference worker threads) of the process may hold, in MiB; default a quarter of the machine's. */
  INFERENCE_MEMORY_MB: z.coerce
    .number({ error: "INFERENCE_MEMORY_MB must be a number of MiB, e.g. 4096." })
    .int("INFERENCE_MEMORY_MB must be a whole number of MiB.")
    .positive("INFERENCE_MEMORY_MB must be above 0.")
    .optional(),
  /** Most inference workers (sessions) one model gets; default one per four cores. */
  INFERENCE_WORKERS_PER_MODEL: z.coerce
    .number({ error: "INFERENCE_WORKERS_PER_MODEL must be a whole number, e.g. 2." })
    .int("INFERENCE_WORKERS_PER_MODEL must be a whole number.")
    .min(1, "INFERENCE_WORKERS_PER_MODEL must be at least 1.")
    .max(64, "INFERENCE_WORKERS_PER_MODEL must be at most 64.")
    .optional(),
};

const pipelineSettingsSchema = z.object(pipelineSettingsShape);
export type PipelineSettingsEnv = z.output<typeof pipelineSettingsSchema>;

export type PipelineSettings = Required<Pick<PipelineEnv, "maxInputPixels" | "executionProviders">> &
  Pick<PipelineEnv, "modelsDir" | "replicateToken" | "replicateBaseUrl" | "inference">;

/** The parsed settings as the steps take them. */
export function pipelineSettingsOf(e: PipelineSettingsEnv): PipelineSettings {
  return {
    maxInputPixels: e.MAX_INPUT_PIXELS,
    executionProviders: e.EXECUTION_PROVIDERS.split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    modelsDir: e.ATELIER_MODELS_DIR,
    replicateToken: e.REPLICATE_API_TOKEN,
    replicateBaseUrl: e.REPLICATE_BASE_URL,
    inference: { memoryMb: e.INFERENCE_MEMORY_MB, workersPerModel: e.INFERENCE_WORKERS_PER_MODEL },
  };
}

/** Names earlier versions of the CLI read; set, they would be silently ignored, so callers say which replaces them. */
export const renamedSettings: Readonly<Record<string, string>> = {
  ATELIER_MAX_PIXELS: "MAX_INPUT_PIXELS",
  ATELIER_EXECUTION_PROVIDERS: "EXECUTION_PROVIDERS",
};

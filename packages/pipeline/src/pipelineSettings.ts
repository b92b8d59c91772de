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
};

const pipelineSettingsSchema = z.object(pipelineSettingsShape);
export type PipelineSettingsEnv = z.output<typeof pipelineSettingsSchema>;

export type PipelineSettings = Required<Pick<PipelineEnv, "maxInputPixels" | "executionProviders">> &
  Pick<PipelineEnv, "modelsDir" | "replicateToken" | "replicateBaseUrl">;

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
  };
}

/** Names earlier versions of the CLI read; set, they would be silently ignored, so callers say which replaces them. */
export const renamedSettings: Readonly<Record<string, string>> = {
  ATELIER_MAX_PIXELS: "MAX_INPUT_PIXELS",
  ATELIER_EXECUTION_PROVIDERS: "EXECUTION_PROVIDERS",
};

import {
  type PipelineSettings,
  pipelineSettingsOf,
  pipelineSettingsShape,
  renamedSettings,
} from "@atelier/pipeline";
import { AppError } from "@atelier/shared";
import { z } from "zod";

/** The only place the CLI reads its environment: the same names the server and GPU nodes read. */
const envSchema = z.object(pipelineSettingsShape);

export interface CliEnv {
  pipeline: PipelineSettings;
  /** Settings set under a name the CLI no longer reads, with the name that replaces it. */
  renamed: Array<{ from: string; to: string }>;
}

export function readCliEnv(source: NodeJS.ProcessEnv = process.env): CliEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new AppError("CONFIG_ERROR", `fix these settings: ${problems.join("; ")}`, { problems });
  }
  const renamed = Object.entries(renamedSettings)
    .filter(([from]) => source[from] !== undefined)
    .map(([from, to]) => ({ from, to }));
  return { pipeline: pipelineSettingsOf(parsed.data), renamed };
}

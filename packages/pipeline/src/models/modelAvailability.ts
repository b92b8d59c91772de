import { existsSync } from "node:fs";
import { isAppError } from "@atelier/shared";
import type { Availability, PipelineEnv } from "../step.ts";
import { builtinAssets } from "./builtinModels.ts";
import type { ModelSource } from "./modelSpec.ts";
import { findModel } from "./modelRegistry.ts";
import { packageDir } from "./packageDir.ts";

/**
 * Whether the files of these models and assets are on disk (their hashes are checked only
 * when loaded). Cheap enough for a catalogue listing: no model is read.
 */
export function modelsAvailable(names: string[], env: Pick<PipelineEnv, "modelsDir">): Availability {
  for (const name of names) {
    try {
      const source = builtinAssets.find((a) => a.name === name)?.source ?? findModel(name, env).source;
      const missing = missingSource(source);
      if (missing) return { available: false, reason: `Model ${name} is not installed: ${missing}.` };
    } catch (err) {
      if (isAppError(err)) return { available: false, reason: err.message };
      throw err;
    }
  }
  return { available: true };
}

function missingSource(source: ModelSource): string | undefined {
  if (source.kind === "operator-file")
    return existsSync(source.path) ? undefined : `${source.path} is missing`;
  try {
    packageDir(source.packageName);
    return undefined;
  } catch {
    return `the npm package ${source.packageName} is missing`;
  }
}

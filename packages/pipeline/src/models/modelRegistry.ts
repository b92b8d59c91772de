import { AppError } from "@atelier/shared";
import type { PipelineEnv } from "../step.ts";
import { builtinAssets, builtinModels, modelAliases } from "./builtinModels.ts";
import type { ModelAssetSpec, ModelSpec } from "./modelSpec.ts";
import { readOperatorModels } from "./operatorModels.ts";

/** Built-in models first, then the operator's; an operator entry may not shadow a built-in name. */
export function listModels(env: Pick<PipelineEnv, "modelsDir">): ModelSpec[] {
  const operator = readOperatorModels(env.modelsDir);
  for (const spec of operator) {
    if (builtinModels.some((b) => b.name === spec.name) || spec.name in modelAliases) {
      throw new AppError("CONFIG_ERROR", `The models folder redefines the built-in model ${spec.name}.`, {
        name: spec.name,
        modelsDir: env.modelsDir,
      });
    }
  }
  return [...builtinModels, ...operator];
}

export function findModel(name: string, env: Pick<PipelineEnv, "modelsDir">): ModelSpec {
  const wanted = modelAliases[name] ?? name;
  const spec = listModels(env).find((m) => m.name === wanted);
  if (!spec) {
    throw new AppError("NOT_FOUND", `No model named ${name}; add it to manifest.json in the models folder.`, {
      name,
      modelsDir: env.modelsDir ?? null,
    });
  }
  return spec;
}

export function findAsset(name: string): ModelAssetSpec {
  const spec = builtinAssets.find((a) => a.name === name);
  if (!spec) throw new AppError("NOT_FOUND", `No model asset named ${name}.`, { name });
  return spec;
}

import { createLogger, type Logger } from "@atelier/shared";
import type { PipelineEnv } from "../step.ts";
import {
  defaultInferenceMemoryMb,
  defaultWorkersPerModel,
  InferenceBudget,
  threadsPerWorker,
  workerMemoryMb,
} from "./inference/inferenceBudget.ts";
import { ModelPool, type RunOptions } from "./inference/modelPool.ts";
import type { TensorData } from "./inference/tensorData.ts";
import type { InferenceEngine } from "./inference/workerMessages.ts";
import type { ModelSpec } from "./modelSpec.ts";
import { findAsset, findModel } from "./modelRegistry.ts";

/**
 * A model ready to run. Its sessions live in worker threads (one pool of workers per model), so a
 * run never blocks the caller's event loop; feeds' buffers are transferred to the worker, outputs'
 * buffers transferred back.
 */
export interface ModelHandle {
  name: string;
  /** The execution provider the sessions were created with, e.g. "cpu" or "cuda". */
  provider: string;
  spec: ModelSpec;
  loadMs: number;
  inputNames: readonly string[];
  outputNames: readonly string[];
  /**
   * One inference. The feeds' arrays are handed over (transferred) and unusable afterwards. Errors are
   * AppErrors: the model's own failure or a worker that died is INTERNAL (retried), an abort CANCELLED.
   */
  run(feeds: Record<string, TensorData>, options?: RunOptions): Promise<Record<string, TensorData>>;
}

export interface LoadedModel {
  name: string;
  provider: string;
  vramMb: number;
  loadMs: number;
  loadedAt: string;
}

export type ModelEnv = Pick<
  PipelineEnv,
  "modelsDir" | "executionProviders" | "log" | "leanMemory" | "inference"
>;

// Where the caller gave no logger (the CLI, whose stdout is its own), model loading stays quiet.
const quiet = createLogger("pipeline.models", "silent");
const handles = new Map<string, Promise<ModelHandle>>();
const pools = new Map<string, ModelPool>();
const loaded = new Map<string, LoadedModel>();
let budget: InferenceBudget | undefined;

/**
 * The model's pool of inference workers, started on first use (its first session open) and reused
 * after. Concurrent first calls share one load; a failed load is forgotten so a later call retries.
 * The first caller's settings (providers, memory budget) configure the process's pools.
 */
export async function getModel(name: string, env: ModelEnv): Promise<ModelHandle> {
  return handleOf(findModel(name, env), env, "onnx");
}

/**
 * face-api.js's tiny face detector (plain JavaScript, ≈1 s per image) in worker threads like the ONNX
 * models: `image` (uint8 HxWx3) in, its raw output `grid` out.
 */
export function getFaceDetector(env: ModelEnv = { executionProviders: ["cpu"] }): Promise<ModelHandle> {
  const weights = findAsset("tiny-face-detector-weights");
  const spec: ModelSpec = {
    name: "tiny-face-detector",
    description: "face-api.js TinyFaceDetector, run by Atelier's own JavaScript forward pass.",
    source: weights.source,
    sha256: weights.sha256,
    inputShape: ["height", "width", 3],
    vramMb: 0,
    licence: weights.licence,
  };
  return handleOf(spec, env, "tiny-face-detector");
}

function handleOf(spec: ModelSpec, env: ModelEnv, engine: InferenceEngine): Promise<ModelHandle> {
  let pending = handles.get(spec.name);
  if (!pending) {
    pending = openPool(spec, env, engine);
    handles.set(spec.name, pending);
    pending.catch(() => handles.delete(spec.name));
  }
  return pending;
}

async function openPool(spec: ModelSpec, env: ModelEnv, engine: InferenceEngine): Promise<ModelHandle> {
  budget ??= new InferenceBudget(env.inference?.memoryMb ?? defaultInferenceMemoryMb());
  const workersPerModel = env.inference?.workersPerModel ?? defaultWorkersPerModel();
  const log: Logger = env.log?.child({ part: "models" }) ?? quiet;
  const pool = new ModelPool({
    engine,
    spec,
    providers: env.executionProviders,
    lean: env.leanMemory ?? false,
    threads: threadsPerWorker(workersPerModel),
    maxWorkers: workersPerModel,
    workerMemoryMb: workerMemoryMb(spec),
    nice: env.inference?.nice,
    budget,
    log,
  });
  pools.set(spec.name, pool);
  try {
    const info = await pool.open();
    loaded.set(spec.name, {
      name: spec.name,
      provider: info.provider,
      vramMb: spec.vramMb,
      loadMs: info.loadMs,
      loadedAt: new Date().toISOString(),
    });
    return {
      name: spec.name,
      provider: info.provider,
      spec,
      loadMs: info.loadMs,
      inputNames: info.inputNames,
      outputNames: info.outputNames,
      run: (feeds, options) => pool.run(feeds, options),
    };
  } catch (err) {
    pools.delete(spec.name);
    await pool.close();
    throw err;
  }
}

/** Models with a live session, for the node's heartbeat. */
export function loadedModels(): LoadedModel[] {
  return [...loaded.values()];
}

/** Records a model run outside onnxruntime (e.g. the JS face detector) so the heartbeat lists it. */
export function recordLoadedModel(model: Omit<LoadedModel, "loadedAt">): void {
  loaded.set(model.name, { ...model, loadedAt: new Date().toISOString() });
}

/** How many inference workers each model has now (tests, diagnostics). */
export function inferenceWorkers(): Record<string, number> {
  return Object.fromEntries([...pools.values()].map((p) => [p.name, p.size]));
}

/**
 * Closes every model's workers: running inferences finish first (a node's drain has already let its
 * jobs end), waiting ones fail with STEP_UNAVAILABLE, then each session is released and its thread
 * ends. Later calls start fresh pools.
 */
export async function releaseSessions(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  handles.clear();
  loaded.clear();
  await Promise.all(all.map((pool) => pool.close()));
  budget = undefined;
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { AppError, createLogger, type Logger } from "@atelier/shared";
import * as ort from "onnxruntime-node";
import type { PipelineEnv } from "../step.ts";
import { fp16ModelToFp32 } from "./fp16ToFp32.ts";
import { loadModelBytes } from "./loadModelBytes.ts";
import type { ModelSpec } from "./modelSpec.ts";
import { findModel } from "./modelRegistry.ts";

export interface ModelSession {
  name: string;
  session: ort.InferenceSession;
  /** The execution provider the session was created with, e.g. "cpu" or "cuda". */
  provider: string;
  spec: ModelSpec;
  loadMs: number;
}

export interface LoadedModel {
  name: string;
  provider: string;
  vramMb: number;
  loadMs: number;
  loadedAt: string;
}

// Where the caller gave no logger (the CLI, whose stdout is its own), model loading stays quiet.
const quiet = createLogger("pipeline.models", "silent");
const sessions = new Map<string, Promise<ModelSession>>();
const loaded = new Map<string, LoadedModel>();

/**
 * The one session of a model in this process, created on first use and reused after.
 * Concurrent first calls share one load; a failed load is forgotten so a later call retries.
 */
export async function getSession(
  name: string,
  env: Pick<PipelineEnv, "modelsDir" | "executionProviders" | "log" | "leanMemory">,
): Promise<ModelSession> {
  const spec = findModel(name, env);
  let pending = sessions.get(spec.name);
  if (!pending) {
    pending = createSession(
      spec,
      env.executionProviders,
      env.log?.child({ part: "models" }) ?? quiet,
      env.leanMemory ?? false,
    );
    sessions.set(spec.name, pending);
    pending.catch(() => sessions.delete(spec.name));
  }
  return pending;
}

/** Models with a live session, for the node's heartbeat. */
export function loadedModels(): LoadedModel[] {
  return [...loaded.values()];
}

/** Records a model run outside onnxruntime (e.g. the JS face detector) so the heartbeat lists it. */
export function recordLoadedModel(model: Omit<LoadedModel, "loadedAt">): void {
  loaded.set(model.name, { ...model, loadedAt: new Date().toISOString() });
}

/** Frees every session (shutdown, tests). */
export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  loaded.clear();
  for (const pending of all) {
    const ready = await pending.catch(() => undefined);
    await ready?.session.release();
  }
}

/** Provider names onnxruntime-node understands; anything else in the configuration is a mistake. */
const knownProviders = new Set(["cpu", "cuda", "tensorrt", "dml", "webgpu", "coreml", "qnn"]);

async function createSession(
  spec: ModelSpec,
  wanted: string[],
  log: Logger,
  lean: boolean,
): Promise<ModelSession> {
  const started = performance.now();
  const bytes = await loadModelBytes(spec);
  let cpuBytes: Uint8Array | undefined;
  const order = wanted.length > 0 ? wanted : ["cpu"];
  const failures: Record<string, string> = {};
  for (const provider of order) {
    if (!knownProviders.has(provider)) {
      failures[provider] = "unknown execution provider";
      continue;
    }
    try {
      // The hash was checked on the shipped bytes; the CPU gets a float32 copy of float16 models.
      if (provider === "cpu" && !cpuBytes) cpuBytes = cpuModel(spec, bytes, log);
      const model = provider === "cpu" && cpuBytes ? cpuBytes : bytes;
      const session = await openSession(model, sessionOptions(provider, lean), lean);
      const loadMs = Math.round(performance.now() - started);
      loaded.set(spec.name, {
        name: spec.name,
        provider,
        vramMb: spec.vramMb,
        loadMs,
        loadedAt: new Date().toISOString(),
      });
      log.info({ model: spec.name, provider, loadMs }, "model session ready");
      return { name: spec.name, session, provider, spec, loadMs };
    } catch (err) {
      failures[provider] = (err as Error).message;
      log.warn(
        { model: spec.name, provider, err: (err as Error).message },
        "execution provider refused model",
      );
    }
  }
  throw new AppError(
    "STEP_UNAVAILABLE",
    `No configured execution provider could run model ${spec.name}; check executionProviders.`,
    { name: spec.name, tried: order, failures },
  );
}

/**
 * onnxruntime's CPU provider has no float16 kernels for most operators and wraps each one in
 * casts; a model stored in float16 (ISNet medium) runs faster widened to float32 once at load
 * (≈0.5 s for ISNet medium, 88 → 176 MB). Models without float16 weights are used as shipped.
 */
function cpuModel(spec: ModelSpec, bytes: Uint8Array, log: Logger): Uint8Array {
  const started = performance.now();
  const widened = fp16ModelToFp32(bytes);
  if (!widened) return bytes;
  log.debug(
    { model: spec.name, ms: Math.round(performance.now() - started), bytes: widened.length },
    "float16 model widened to float32 for the CPU",
  );
  return widened;
}

/**
 * A session from model bytes. Lean: onnxruntime reads the model from a private temporary file, so no
 * copy of its bytes is parsed in memory beside the session's own (≈300 MB less for ISNet medium).
 */
async function openSession(
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  lean: boolean,
): Promise<ort.InferenceSession> {
  if (!lean) return ort.InferenceSession.create(model, options);
  const dir = await mkdtemp(join(tmpdir(), "atelier-model-"));
  try {
    const file = join(dir, "model.onnx");
    await writeFile(file, model, { mode: 0o600 });
    return await ort.InferenceSession.create(file, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sessionOptions(provider: string, lean: boolean): ort.InferenceSession.SessionOptions {
  // An accelerator session keeps the CPU as fallback for the operators it lacks.
  const providers = provider === "cpu" ? ["cpu"] : [provider, "cpu"];
  return {
    executionProviders: providers,
    graphOptimizationLevel: "all",
    // Parallel execution mode oversubscribes small machines; one op at a time, all cores per op.
    executionMode: "sequential",
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    // The CPU arena keeps every run's peak (it grew to 1.7 GB over four ISNet runs) and a memory pattern
    // preallocates it: fast for a node that runs model after model, too much for one CLI image.
    ...(lean ? { enableCpuMemArena: false, enableMemPattern: false } : {}),
  };
}

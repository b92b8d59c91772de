import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError } from "@atelier/shared";
import * as ort from "onnxruntime-node";
import { fp16ModelToFp32 } from "../fp16ToFp32.ts";
import { loadModelBytes } from "../loadModelBytes.ts";
import type { ModelSpec } from "../modelSpec.ts";

/** Where session creation reports; inside a worker it forwards to the pool's logger. */
export interface SessionLog {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The execution provider the session was created with, e.g. "cpu" or "cuda". */
  provider: string;
  loadMs: number;
}

export interface OpenSessionOptions {
  providers: string[];
  lean: boolean;
  threads: number;
  log: SessionLog;
}

/** Provider names onnxruntime-node understands; anything else in the configuration is a mistake. */
const knownProviders = new Set(["cpu", "cuda", "tensorrt", "dml", "webgpu", "coreml", "qnn"]);

/**
 * A session of the model with the first configured execution provider that accepts it. Runs inside an
 * inference worker: reading, hashing, widening and onnxruntime's own graph load all block the thread.
 */
export async function openModelSession(spec: ModelSpec, options: OpenSessionOptions): Promise<OpenedSession> {
  const { log, lean } = options;
  const started = performance.now();
  const bytes = await loadModelBytes(spec);
  let cpuBytes: Uint8Array | undefined;
  const order = options.providers.length > 0 ? options.providers : ["cpu"];
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
      const session = await openSession(model, sessionOptions(provider, lean, options.threads), lean);
      const loadMs = Math.round(performance.now() - started);
      log.info({ model: spec.name, provider, loadMs }, "model session ready");
      return { session, provider, loadMs };
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
function cpuModel(spec: ModelSpec, bytes: Uint8Array, log: SessionLog): Uint8Array {
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

function sessionOptions(
  provider: string,
  lean: boolean,
  threads: number,
): ort.InferenceSession.SessionOptions {
  // An accelerator session keeps the CPU as fallback for the operators it lacks.
  const providers = provider === "cpu" ? ["cpu"] : [provider, "cpu"];
  return {
    executionProviders: providers,
    graphOptimizationLevel: "all",
    // Parallel execution mode oversubscribes small machines; one op at a time, the worker's cores per op.
    executionMode: "sequential",
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    // The CPU arena keeps every run's peak (it grew to 1.7 GB over four ISNet runs) and a memory pattern
    // preallocates it: fast for a node that runs model after model, too much for one CLI image.
    ...(lean ? { enableCpuMemArena: false, enableMemPattern: false } : {}),
  };
}

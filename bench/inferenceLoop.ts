/**
 * What a model run costs the process's event loop, and what running it in a worker thread costs the
 * run. Three ISNet passes at once (the case that made a busy node lose its leases), then two single
 * passes (the faster counts), on each side:
 * - baseline: a bare onnxruntime session on the main thread, as every process ran models before
 *   (`session.run()` blocks the thread it is called on; concurrent calls just queue behind it);
 * - ours: the same model through the inference worker pool (`getModel`), one worker on this machine.
 * The loop is watched with `monitorEventLoopDelay` (10 ms resolution) during the three concurrent
 * passes. Inputs are the same 1x3x1024x1024 tensor; the session options are the same function's.
 * Run alone: `npx tsx bench/inferenceLoop.ts`.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import { openModelSession } from "../packages/pipeline/src/models/inference/openModelSession.ts";
import { float32Tensor } from "../packages/pipeline/src/models/inference/tensorData.ts";
import { findModel } from "../packages/pipeline/src/models/modelRegistry.ts";
import { getModel, releaseSessions } from "../packages/pipeline/src/models/sessionPool.ts";
import type { PipelineEnv } from "../packages/pipeline/src/step.ts";
import { type BenchResult, runIfMain } from "./result.ts";

const MODEL = "isnet-medium";
const SIDE = 1024;
const env: PipelineEnv = { maxInputPixels: 40_000_000, executionProviders: ["cpu"] };
const quiet = { debug() {}, info() {}, warn() {} };

function input(): Float32Array {
  const data = new Float32Array(3 * SIDE * SIDE);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 256) / 256 - 0.5;
  return data;
}

interface Side {
  /** One pass; resolves with its latency in ms. */
  pass(): Promise<number>;
}

async function measure(side: Side): Promise<{ maxDelayMs: number; concurrentMs: number; singleMs: number }> {
  await side.pass(); // warm-up: arena and caches
  const monitor = monitorEventLoopDelay({ resolution: 10 });
  monitor.enable();
  const started = performance.now();
  await Promise.all([side.pass(), side.pass(), side.pass()]);
  const concurrentMs = performance.now() - started;
  // Blocking runs leave no timer turn before they end: one more turn records the stall they caused.
  await new Promise((resolve) => setTimeout(resolve, 20));
  monitor.disable();
  // One pass alone, twice; the faster is the cost of a pass with the least interference.
  const singles = [await side.pass(), await side.pass()];
  return { maxDelayMs: monitor.max / 1e6, concurrentMs, singleMs: Math.min(...singles) };
}

async function mainThreadSide(): Promise<Side & { release(): Promise<void> }> {
  const opened = await openModelSession(findModel(MODEL, env), {
    providers: ["cpu"],
    lean: false,
    threads: availableParallelism(),
    log: quiet,
  });
  const name = opened.session.inputNames[0]!;
  return {
    pass: async () => {
      const started = performance.now();
      const out = await opened.session.run(
        { [name]: new ort.Tensor("float32", input(), [1, 3, SIDE, SIDE]) },
        ["output"],
      );
      out.output?.dispose();
      return performance.now() - started;
    },
    release: () => opened.session.release(),
  };
}

async function poolSide(): Promise<Side> {
  const model = await getModel(MODEL, { ...env, inference: { workersPerModel: 1 } });
  const name = model.inputNames[0]!;
  return {
    pass: async () => {
      const started = performance.now();
      await model.run({ [name]: float32Tensor(input(), [1, 3, SIDE, SIDE]) }, { fetches: ["output"] });
      return performance.now() - started;
    },
  };
}

export async function run(): Promise<BenchResult[]> {
  const bare = await mainThreadSide();
  const before = await measure(bare);
  await bare.release();
  const after = await measure(await poolSide());
  await releaseSessions();
  console.error(
    `   3 ISNet passes at once: main thread ${Math.round(before.concurrentMs)} ms (loop stalled up to ${Math.round(
      before.maxDelayMs,
    )} ms), worker pool ${Math.round(after.concurrentMs)} ms (loop stalled up to ${Math.round(after.maxDelayMs)} ms)`,
  );
  return [
    {
      name: "inference_loop_max_delay_3_at_once",
      value: Math.round(after.maxDelayMs),
      unit: "ms",
      baseline: Math.round(before.maxDelayMs),
    },
    {
      name: "inference_isnet_single_pass",
      value: Math.round(after.singleMs),
      unit: "ms",
      baseline: Math.round(before.singleMs),
    },
    {
      name: "inference_isnet_3_at_once_wall",
      value: Math.round(after.concurrentMs),
      unit: "ms",
      baseline: Math.round(before.concurrentMs),
    },
  ];
}

await runIfMain(import.meta.url, run);

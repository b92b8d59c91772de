import { availableParallelism, totalmem } from "node:os";
import type { ModelSpec } from "../modelSpec.ts";

/** How a process sizes its inference workers (`INFERENCE_MEMORY_MB`, `INFERENCE_WORKERS_PER_MODEL`). */
export interface InferenceSettings {
  /** RAM all inference workers of this process may hold together, in MiB. */
  memoryMb?: number;
  /** Most workers (sessions) one model gets. */
  workersPerModel?: number;
  /**
   * Nice value of the inference threads (0 normal .. 19 lowest), default 0. 10 makes a node's main
   * thread (heartbeats, lease renewals) run first under contention, at the price of slow models when
   * other processes keep the machine busy.
   */
  nice?: number;
}

const MIB = 2 ** 20;
/** A worker thread's own V8 heap and onnxruntime's per-thread state, beside the model. */
const WORKER_OVERHEAD_MB = 64;

/** A quarter of the machine's memory: the rest is for decoded images, jobs and the process itself. */
export function defaultInferenceMemoryMb(): number {
  return Math.floor(totalmem() / MIB / 4);
}

/**
 * One worker per four cores: on the CPU a session already uses every core it is given for each
 * operator, so more sessions than that only split the same cores (on two cores: one worker, two
 * threads, exactly the speed of a session on the main thread).
 */
export function defaultWorkersPerModel(): number {
  return Math.max(1, Math.floor(availableParallelism() / 4));
}

/** onnxruntime's intra-op threads per session: the cores split between one model's workers. */
export function threadsPerWorker(workersPerModel: number): number {
  return Math.max(1, Math.floor(availableParallelism() / workersPerModel));
}

/**
 * The RAM one worker of this model holds: the declared peak (`vramMb`, which a CPU session holds in
 * RAM), or four times the file (a float16 file is widened to float32 and parsed beside its copy) when
 * that is more, plus the thread's own overhead.
 */
export function workerMemoryMb(spec: ModelSpec): number {
  const fromFile = Math.ceil(((spec.bytes ?? 0) * 4) / MIB);
  return Math.max(spec.vramMb, fromFile) + WORKER_OVERHEAD_MB;
}

/**
 * The process's inference memory, shared by every model's pool. A model's first worker is always
 * allowed (a model that cannot run at all would fail every job that needs it); more workers start
 * only while they fit.
 */
export class InferenceBudget {
  private usedMb = 0;

  constructor(readonly totalMb: number) {}

  get inUseMb(): number {
    return this.usedMb;
  }

  tryReserve(mb: number, first: boolean): boolean {
    if (!first && this.usedMb + mb > this.totalMb) return false;
    this.usedMb += mb;
    return true;
  }

  release(mb: number): void {
    this.usedMb = Math.max(0, this.usedMb - mb);
  }
}

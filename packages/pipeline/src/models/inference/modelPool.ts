import { Worker } from "node:worker_threads";
import { AppError, ErrorCode, type Logger } from "@atelier/shared";
import type { ModelSpec } from "../modelSpec.ts";
import type { InferenceBudget } from "./inferenceBudget.ts";
import { type TensorData, transferablesOf } from "./tensorData.ts";
import type {
  FromWorker,
  InferenceEngine,
  InferenceWorkerData,
  SerializedError,
  ToWorker,
} from "./workerMessages.ts";

const workerEntry = new URL("./workerEntry.mjs", import.meta.url);

export interface ModelPoolConfig {
  engine: InferenceEngine;
  spec: ModelSpec;
  providers: string[];
  lean: boolean;
  threads: number;
  /** Most workers this model gets; the shared budget may allow fewer. */
  maxWorkers: number;
  /** RAM one worker holds, counted against the budget. */
  workerMemoryMb: number;
  /** Nice value of the worker's threads; INFERENCE_NICE when omitted. */
  nice?: number;
  budget: InferenceBudget;
  log: Logger;
}

/** What the first worker learnt when it opened the model. */
export interface ModelInfo {
  provider: string;
  loadMs: number;
  inputNames: string[];
  outputNames: string[];
}

export interface RunOptions {
  /** Output names to compute; every output when omitted. */
  fetches?: string[];
  /** Aborting rejects the run with CANCELLED at once; a run already inside the model finishes unseen. */
  signal?: AbortSignal;
}

interface PendingRun {
  id: number;
  feeds: Record<string, TensorData>;
  fetches?: string[];
  resolve(outputs: Record<string, TensorData>): void;
  reject(err: AppError): void;
  settled: boolean;
  detach(): void;
}

interface PoolWorker {
  thread: Worker;
  ready: boolean;
  running: PendingRun | null;
  closing: boolean;
}

const CLOSE_TIMEOUT_MS = 10_000;
/**
 * Inference threads run at normal priority by default. Nice 10 (`env.inference.nice`) lets the main
 * thread win every contest for a core, but on a machine busy with other processes it starved the
 * model: one ISNet pass took 125 s instead of 23 s at load 60 on two cores.
 */
export const INFERENCE_NICE = 0;

function toAppError(error: SerializedError): AppError {
  const code: ErrorCode = error.code in ErrorCode ? (error.code as ErrorCode) : "INTERNAL";
  return new AppError(code, error.message, error.details);
}

function cancelled(model: string): AppError {
  return new AppError("CANCELLED", "The work was cancelled.", { model });
}

/**
 * The worker threads of one model. Each worker opens the model's session once and runs one inference
 * at a time; runs wait in order for a free worker. The pool starts with one worker and adds one more
 * whenever every worker is busy and work waits, up to `maxWorkers` and what the shared memory budget
 * allows. A worker that dies fails its run with INTERNAL (the job is retried) and is replaced on the
 * next run. Idle workers do not keep the process alive.
 */
export class ModelPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: PendingRun[] = [];
  private starting = 0;
  private nextId = 1;
  private closed = false;
  private growthFailed = false;
  private info: ModelInfo | undefined;

  constructor(private readonly config: ModelPoolConfig) {}

  get name(): string {
    return this.config.spec.name;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Starts the first worker and resolves once its session is open (a load error rejects here). */
  async open(): Promise<ModelInfo> {
    if (this.info) return this.info;
    const first = this.spawn(true);
    if (!first) throw new AppError("INTERNAL", `No inference worker could start for ${this.name}.`);
    return first;
  }

  run(feeds: Record<string, TensorData>, options: RunOptions = {}): Promise<Record<string, TensorData>> {
    const { signal } = options;
    if (this.closed) {
      return Promise.reject(
        new AppError("STEP_UNAVAILABLE", `Model ${this.name} is shutting down; the job will run elsewhere.`, {
          model: this.name,
        }),
      );
    }
    if (signal?.aborted) return Promise.reject(cancelled(this.name));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = this.queue.indexOf(pending);
        if (at >= 0) this.queue.splice(at, 1);
        // A run already in a worker cannot be interrupted; its result is dropped when it comes.
        settle(() => reject(cancelled(this.name)));
      };
      const settle = (fn: () => void) => {
        if (pending.settled) return;
        pending.settled = true;
        pending.detach();
        fn();
      };
      const pending: PendingRun = {
        id: this.nextId++,
        feeds,
        fetches: options.fetches,
        settled: false,
        resolve: (outputs) => settle(() => resolve(outputs)),
        reject: (err) => settle(() => reject(err)),
        detach: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(pending);
      this.pump();
    });
  }

  /** Lets running inferences finish (up to a timeout), then closes every worker's session and thread. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) {
      pending.reject(
        new AppError("STEP_UNAVAILABLE", `Model ${this.name} is shutting down; the job will run elsewhere.`, {
          model: this.name,
        }),
      );
    }
    await Promise.all(this.workers.map((w) => this.closeWorker(w)));
  }

  /**
   * Asks the worker to release its session and end, once it is between runs. A worker thread is never
   * terminated from outside: terminating one while onnxruntime is inside a native load or run aborts
   * the whole process (the binding throws into a torn-down environment). One that does not end in
   * time is left to end with the process.
   */
  private closeWorker(worker: PoolWorker): Promise<void> {
    worker.closing = true;
    // Idle workers are unref'd; a closing one must hold the process until it has ended.
    worker.thread.ref();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.config.log.warn(
          { model: this.name },
          "inference worker still busy at shutdown; left to end with the process",
        );
        worker.thread.unref();
        resolve();
      }, CLOSE_TIMEOUT_MS);
      worker.thread.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      const askToClose = () => worker.thread.postMessage({ kind: "close" } satisfies ToWorker);
      if (worker.ready && !worker.running) {
        askToClose();
        return;
      }
      // Loading or running: close right after its next answer (a failed load ends the worker by itself).
      const afterAnswer = (m: FromWorker) => {
        if (m.kind === "log") return;
        worker.thread.off("message", afterAnswer);
        if (m.kind !== "failed") askToClose();
      };
      worker.thread.on("message", afterAnswer);
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const idle = this.workers.find((w) => w.ready && !w.running && !w.closing);
      if (!idle) break;
      const pending = this.queue.shift()!;
      this.dispatch(idle, pending);
    }
    // Every worker busy and work waiting: one more worker if the model and the budget allow.
    if (this.queue.length > 0 && this.info && this.starting === 0 && !this.growthFailed) {
      this.spawn(false)?.catch((err: AppError) => {
        // The first worker opened the model, so this is the machine (memory, a driver): stay at this size.
        this.growthFailed = true;
        this.config.log.warn(
          { model: this.name, code: err.code, err: err.message },
          "extra inference worker failed to start",
        );
      });
    }
  }

  private dispatch(worker: PoolWorker, pending: PendingRun): void {
    worker.running = pending;
    worker.thread.ref();
    const feeds = pending.feeds;
    const transfer = transferablesOf(feeds);
    const message: ToWorker = { kind: "run", id: pending.id, feeds, fetches: pending.fetches };
    worker.thread.postMessage(message, transfer);
  }

  /** A new worker; resolves with the model's info when its session is open. Undefined when none may start. */
  private spawn(first: boolean): Promise<ModelInfo> | undefined {
    const { config } = this;
    if (this.closed || this.workers.length >= config.maxWorkers) return undefined;
    if (!config.budget.tryReserve(config.workerMemoryMb, first || this.workers.length === 0))
      return undefined;
    const data: InferenceWorkerData = {
      engine: config.engine,
      spec: config.spec,
      providers: config.providers,
      lean: config.lean,
      threads: config.threads,
      nice: config.nice ?? INFERENCE_NICE,
    };
    const thread = new Worker(workerEntry, {
      workerData: data,
      execArgv: [],
      name: `inference:${this.name}`,
    });
    const worker: PoolWorker = { thread, ready: false, running: null, closing: false };
    this.workers.push(worker);
    this.starting++;
    return new Promise<ModelInfo>((resolve, reject) => {
      let loading = true;
      const loaded = () => {
        if (!loading) return false;
        loading = false;
        this.starting--;
        return true;
      };
      thread.on("message", (message: FromWorker) => {
        switch (message.kind) {
          case "log":
            config.log[message.level](message.fields, message.msg);
            return;
          case "ready": {
            loaded();
            worker.ready = true;
            this.info ??= {
              provider: message.provider,
              loadMs: message.loadMs,
              inputNames: message.inputNames,
              outputNames: message.outputNames,
            };
            if (!worker.closing) thread.unref();
            resolve(this.info);
            this.pump();
            return;
          }
          case "failed":
            loaded();
            reject(toAppError(message.error));
            // The worker ends by itself; "exit" tidies up.
            return;
          case "result":
          case "error": {
            const pending = worker.running;
            worker.running = null;
            if (!worker.closing) thread.unref();
            if (pending && pending.id === message.id) {
              if (message.kind === "result") pending.resolve(message.outputs);
              else pending.reject(toAppError(message.error));
            }
            this.pump();
            return;
          }
        }
      });
      thread.on("error", (err) => {
        config.log.error({ model: this.name, err: err.message }, "inference worker failed");
      });
      thread.on("exit", (exitCode) => {
        const at = this.workers.indexOf(worker);
        if (at >= 0) this.workers.splice(at, 1);
        config.budget.release(config.workerMemoryMb);
        const stopped = new AppError(
          "INTERNAL",
          `The inference worker for model ${this.name} stopped (exit code ${exitCode}); the job will be retried.`,
          { model: this.name, exitCode },
        );
        if (loaded()) reject(stopped);
        if (worker.running) {
          worker.running.reject(stopped);
          worker.running = null;
        }
        if (worker.ready && !worker.closing && !this.closed) {
          config.log.warn({ model: this.name, exitCode }, "inference worker stopped");
          // Work still waiting gets a fresh worker (or the first, if this was the last one).
          if (this.queue.length > 0 && this.starting === 0) {
            const replacement = this.spawn(this.workers.length === 0);
            replacement?.catch((err: AppError) => {
              for (const pending of this.queue.splice(0)) pending.reject(err);
            });
          }
        }
      });
    });
  }
}

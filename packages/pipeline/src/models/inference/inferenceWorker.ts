/**
 * One inference worker thread: opens its model's session once, then runs whatever the pool sends,
 * one run at a time. Everything that blocks (hashing, widening, onnxruntime's load and run) happens
 * here, so the process's main thread keeps serving timers, sockets and lease renewals.
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { isAppError } from "@atelier/shared";
import type { SessionLog } from "./openModelSession.ts";
import { transferablesOf } from "./tensorData.ts";
import { openWorkerModel, type WorkerModel } from "./workerModels.ts";
import type { FromWorker, InferenceWorkerData, SerializedError, ToWorker } from "./workerMessages.ts";

if (!parentPort) throw new Error("inferenceWorker.ts runs only as a worker thread (see modelPool.ts).");
const port = parentPort;
const config = workerData as InferenceWorkerData;

const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const log: SessionLog = {
  debug: (fields, msg) => send({ kind: "log", level: "debug", fields, msg }),
  info: (fields, msg) => send({ kind: "log", level: "info", fields, msg }),
  warn: (fields, msg) => send({ kind: "log", level: "warn", fields, msg }),
};

function serialize(err: unknown): SerializedError {
  if (isAppError(err)) return { code: err.code, message: err.message, details: err.details };
  const reason = err instanceof Error ? err.message : String(err);
  return {
    code: "INTERNAL",
    message: `Model ${config.spec.name} failed while running; the job will be retried.`,
    details: { model: config.spec.name, reason },
  };
}

async function run(model: WorkerModel, message: Extract<ToWorker, { kind: "run" }>): Promise<void> {
  const started = performance.now();
  try {
    const outputs = await model.run(message.feeds, message.fetches);
    const transfer = transferablesOf(outputs);
    send(
      { kind: "result", id: message.id, outputs, runMs: Math.round(performance.now() - started) },
      transfer,
    );
  } catch (err) {
    send({ kind: "error", id: message.id, error: serialize(err) });
  }
}

/**
 * Inference yields to the process's own main thread: on Linux a thread's nice value is its own and
 * threads inherit it, so lowering this thread's priority before the session exists lowers
 * onnxruntime's pool threads too, while the main thread (timers, sockets, lease renewals) stays as it
 * was. Under contention the kernel then runs the main thread first; on an idle machine nothing changes.
 */
function yieldToMainThread(): void {
  try {
    setPriority(0, config.nice);
  } catch (err) {
    log.warn(
      { model: config.spec.name, err: (err as Error).message },
      "inference thread priority not lowered",
    );
  }
}

async function main(): Promise<void> {
  yieldToMainThread();
  let opened: WorkerModel;
  try {
    opened = await openWorkerModel({ ...config, log });
  } catch (err) {
    send({ kind: "failed", error: serialize(err) });
    return;
  }
  // Runs arrive one at a time (the pool sends the next only after a result), so no queue is needed here.
  port.on("message", (message: ToWorker) => {
    if (message.kind === "run") void run(opened, message);
    else if (message.kind === "close") {
      void opened.release().finally(() => port.close());
    }
  });
  send({
    kind: "ready",
    provider: opened.provider,
    loadMs: opened.loadMs,
    inputNames: opened.inputNames,
    outputNames: opened.outputNames,
  });
}

void main();

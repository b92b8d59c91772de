import type { ErrorDetails } from "@atelier/shared";
import type { ModelSpec } from "../modelSpec.ts";
import type { TensorData } from "./tensorData.ts";

/** What runs a model in a worker: an onnxruntime session, or the tiny face detector's JavaScript pass. */
export type InferenceEngine = "onnx" | "tiny-face-detector";

/** What the pool hands a new worker: the model and how to open its session. */
export interface InferenceWorkerData {
  engine: InferenceEngine;
  spec: ModelSpec;
  /** Execution providers to try in order. */
  providers: string[];
  lean: boolean;
  /** onnxruntime's intra-op threads for this worker's session. */
  threads: number;
  /** Nice value of the worker's threads (0 normal, 19 lowest): above the main thread's, so inference yields to it. */
  nice: number;
}

export interface SerializedError {
  code: string;
  message: string;
  details: ErrorDetails;
}

export type ToWorker =
  | { kind: "run"; id: number; feeds: Record<string, TensorData>; fetches?: string[] }
  | { kind: "close" };

export type FromWorker =
  | {
      kind: "ready";
      provider: string;
      loadMs: number;
      inputNames: string[];
      outputNames: string[];
    }
  | { kind: "failed"; error: SerializedError }
  | { kind: "result"; id: number; outputs: Record<string, TensorData>; runMs: number }
  | { kind: "error"; id: number; error: SerializedError }
  | { kind: "log"; level: "debug" | "info" | "warn" | "error"; fields: Record<string, unknown>; msg: string };

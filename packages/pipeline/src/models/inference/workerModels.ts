import * as ort from "onnxruntime-node";
import { tinyFaceInput, TINY_FACE_SIDE } from "../../analysis/tinyFaceInput.ts";
import { runTinyFaceNet } from "../../analysis/tinyFaceNet.ts";
import { tinyFaceWeights } from "../../analysis/tinyFaceWeights.ts";
import { AppError } from "@atelier/shared";
import type { ModelSpec } from "../modelSpec.ts";
import { openModelSession, type SessionLog } from "./openModelSession.ts";
import type { TensorData, TensorType } from "./tensorData.ts";
import type { InferenceEngine } from "./workerMessages.ts";

/** A model as a worker thread holds it: opened once, run many times. */
export interface WorkerModel {
  provider: string;
  loadMs: number;
  inputNames: string[];
  outputNames: string[];
  run(feeds: Record<string, TensorData>, fetches?: string[]): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

export interface OpenWorkerModelOptions {
  engine: InferenceEngine;
  spec: ModelSpec;
  providers: string[];
  lean: boolean;
  threads: number;
  log: SessionLog;
}

export function openWorkerModel(options: OpenWorkerModelOptions): Promise<WorkerModel> {
  return options.engine === "tiny-face-detector" ? openTinyFaceDetector() : openOnnxModel(options);
}

const tensorTypes = new Set<string>(["float32", "float64", "int32", "int64", "uint8", "int8", "bool"]);

async function openOnnxModel(options: OpenWorkerModelOptions): Promise<WorkerModel> {
  const { spec } = options;
  const opened = await openModelSession(spec, options);
  const { session } = opened;
  const toTensorData = (tensor: ort.Tensor): TensorData => {
    if (!tensorTypes.has(tensor.type)) {
      throw new AppError(
        "INTERNAL",
        `Model ${spec.name} returned a ${tensor.type} tensor, which Atelier does not read.`,
        { model: spec.name, type: tensor.type },
      );
    }
    return {
      type: tensor.type as TensorType,
      data: tensor.data as TensorData["data"],
      dims: [...tensor.dims],
    };
  };
  return {
    provider: opened.provider,
    loadMs: opened.loadMs,
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    run: async (feeds, fetches) => {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds))
        tensors[name] = new ort.Tensor(t.type, t.data, [...t.dims]);
      const results = fetches ? await session.run(tensors, fetches) : await session.run(tensors);
      const outputs: Record<string, TensorData> = {};
      for (const [name, tensor] of Object.entries(results)) outputs[name] = toTensorData(tensor);
      return outputs;
    },
    release: () => session.release(),
  };
}

/**
 * face-api.js's tiny face detector, a forward pass in plain JavaScript (≈1 s per image on one core):
 * `image` (uint8 HxWx3) in, the raw `grid` (float32 cells x cells x 25) out; boxes are decoded by the
 * caller (analysis/faceDetection.ts).
 */
async function openTinyFaceDetector(): Promise<WorkerModel> {
  const started = performance.now();
  const weights = await tinyFaceWeights();
  return {
    provider: "js",
    loadMs: Math.round(performance.now() - started),
    inputNames: ["image"],
    outputNames: ["grid"],
    run: async (feeds) => {
      const image = feeds.image;
      if (!image || !(image.data instanceof Uint8Array) || image.dims.length !== 3 || image.dims[2] !== 3) {
        throw new AppError("INTERNAL", "The face detector takes one uint8 HxWx3 image named image.", {
          dims: image?.dims ?? null,
        });
      }
      const [height, width] = image.dims as [number, number, number];
      const input = tinyFaceInput(image.data, width, height);
      const out = runTinyFaceNet(
        { data: input, height: TINY_FACE_SIDE, width: TINY_FACE_SIDE, channels: 3 },
        weights,
      );
      return { grid: { type: "float32", data: out.data, dims: [out.height, out.width, out.channels] } };
    },
    release: async () => {},
  };
}

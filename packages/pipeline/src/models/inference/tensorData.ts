import { AppError } from "@atelier/shared";

/** Element types a model's inputs and outputs may have across the thread boundary. */
export type TensorType = "float32" | "float64" | "int32" | "int64" | "uint8" | "int8" | "bool";

export type TensorArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/**
 * A tensor as it crosses between the caller's thread and an inference worker: a plain typed array
 * and its shape. Its buffer is transferred, not copied, so the sender may not use it afterwards.
 */
export interface TensorData {
  type: TensorType;
  data: TensorArray;
  dims: readonly number[];
}

export function float32Tensor(data: Float32Array, dims: readonly number[]): TensorData {
  return { type: "float32", data, dims };
}

/**
 * The buffers to transfer for these tensors. A view that does not own its whole buffer (a slice of a
 * pooled Buffer, a subarray) is copied first, so transferring never detaches memory others still use.
 */
export function transferablesOf(tensors: Record<string, TensorData>): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    const { data } = tensor;
    const ownsBuffer =
      data.buffer instanceof ArrayBuffer &&
      data.byteOffset === 0 &&
      data.byteLength === data.buffer.byteLength;
    const owned = ownsBuffer ? data : copyOf(data);
    if (!ownsBuffer) tensors[name] = { ...tensor, data: owned };
    if (!buffers.includes(owned.buffer as ArrayBuffer)) buffers.push(owned.buffer as ArrayBuffer);
  }
  return buffers;
}

function copyOf(data: TensorArray): TensorArray {
  return data.slice();
}

/** Checks what came back from a worker before a caller reads it as a tensor. */
export function expectFloat32(tensor: TensorData | undefined, what: string): Float32Array {
  if (!tensor || !(tensor.data instanceof Float32Array)) {
    throw new AppError("INTERNAL", `The model gave no float32 ${what}; check the model file.`, {
      what,
      type: tensor?.type ?? null,
    });
  }
  return tensor.data;
}

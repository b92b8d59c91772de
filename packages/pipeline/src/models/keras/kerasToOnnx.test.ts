import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { kerasToOnnx } from "./kerasToOnnx.ts";
import type { KerasLayer, KerasModel } from "./tfjsBundle.ts";

const layer = (
  name: string,
  className: string,
  config: Record<string, unknown>,
  from?: string,
): KerasLayer => ({
  name,
  class_name: className,
  config,
  inbound_nodes: from ? [[[from, 0, 0, {}]]] : [],
});

/** 1x1 conv doubling each of 2 channels, batch norm (+1), ReLU6, average pool, dense sum. */
function tinyModel(extra?: KerasLayer): KerasModel {
  const conv = {
    filters: 2,
    kernel_size: [1, 1],
    strides: [1, 1],
    padding: "valid",
    data_format: "channels_last",
  };
  const layers = [
    layer("in", "InputLayer", {}),
    layer(
      "pad",
      "ZeroPadding2D",
      {
        padding: [
          [0, 1],
          [0, 1],
        ],
      },
      "in",
    ),
    layer("conv", "Conv2D", { ...conv, dilation_rate: [1, 1], activation: "linear", use_bias: false }, "pad"),
    layer("bn", "BatchNormalization", { axis: -1, epsilon: 0, center: true, scale: true }, "conv"),
    layer("relu", "ReLU", { max_value: 6 }, "bn"),
    layer("pool", "AveragePooling2D", { pool_size: [3, 3], strides: [3, 3], padding: "valid" }, "relu"),
    layer("flat", "Flatten", {}, "pool"),
    layer("dense", "Dense", { units: 1, activation: "linear", use_bias: true }, "flat"),
    ...(extra ? [extra] : []),
  ];
  const w = (shape: number[], values: number[]) => ({ shape, data: Float32Array.from(values) });
  return {
    layers,
    inputLayer: "in",
    outputLayer: extra?.name ?? "dense",
    weights: new Map([
      ["conv/kernel", w([1, 1, 2, 2], [2, 0, 0, 2])],
      ["bn/gamma", w([2], [1, 1])],
      ["bn/beta", w([2], [1, 1])],
      ["bn/moving_mean", w([2], [0, 0])],
      ["bn/moving_variance", w([2], [1, 1])],
      ["dense/kernel", w([2, 1], [1, 1])],
      ["dense/bias", w([1], [0.5])],
    ]),
  };
}

describe("kerasToOnnx", () => {
  it("gives the numbers the Keras layers define, padding, batch norm and ReLU6 included", async () => {
    const session = await ort.InferenceSession.create(kerasToOnnx(tinyModel(), [1, 2, 2, 2]));
    // Channel 0 is all 1s, channel 1 all 3s; padded to 3x3 with a zero row and column.
    const input = Float32Array.from([1, 1, 1, 1, 3, 3, 3, 3]);
    const out = await session.run({ input: new ort.Tensor("float32", input, [1, 2, 2, 2]) });
    // Channel 0: 4 cells of min(2+1, 6)=3 and 5 padded cells of 1 → mean 17/9;
    // channel 1: 4 cells of min(6+1, 6)=6 and 5 of 1 → 29/9. Dense: sum + 0.5.
    const output = out[session.outputNames[0] ?? ""];
    const value = output ? (output.data as Float32Array)[0] : undefined;
    expect(value).toBeCloseTo(17 / 9 + 29 / 9 + 0.5, 5);
  });

  it("refuses a layer it does not know, naming it, instead of converting part of a model", () => {
    const model = tinyModel(layer("odd", "LSTM", {}, "dense"));
    expect(() => kerasToOnnx(model, [1, 2, 2, 2])).toThrow(/LSTM \(odd\)/);
  });
});

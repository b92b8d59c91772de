import { type OnnxGraph, type OnnxNode, type OnnxTensor, encodeOnnxModel } from "./onnxWriter.ts";
import type { KerasLayer, KerasModel } from "./tfjsBundle.ts";

/**
 * Converts a Keras functional model (as TensorFlow.js stores it) into an ONNX graph in NCHW,
 * for the layers a MobileNet-style classifier uses: InputLayer, ZeroPadding2D (folded into the
 * next convolution), Conv2D, DepthwiseConv2D (a grouped Conv), BatchNormalization (folded into
 * the convolution before it), ReLU (Clip for ReLU6), Add, AveragePooling2D,
 * GlobalAveragePooling2D, Flatten, Dense (Gemm) with relu/softmax, Dropout (dropped). Any other
 * layer or option throws, naming it: a model is converted exactly or not at all.
 */

interface Produced {
  /** ONNX value name. */
  value: string;
  /** Zero padding waiting to be folded into the next convolution: top, bottom, left, right. */
  pads?: [number, number, number, number];
  /** The convolution that produced it, while a BatchNormalization may still fold into it. */
  conv?: { weight: OnnxTensor; bias: OnnxTensor };
}

class Converter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly produced = new Map<string, Produced>();
  private readonly consumers = new Map<string, number>();

  constructor(private readonly model: KerasModel) {
    for (const layer of model.layers) {
      for (const source of inboundNames(layer)) {
        this.consumers.set(source, (this.consumers.get(source) ?? 0) + 1);
      }
    }
  }

  run(inputDims: number[]): OnnxGraph {
    for (const layer of this.model.layers) this.produced.set(layer.name, this.convert(layer));
    const out = this.produced.get(this.model.outputLayer);
    if (!out) throw new Error(`output layer ${this.model.outputLayer} was not converted`);
    const classes = this.model.weights.get(`${this.model.outputLayer}/bias`)?.shape[0] ?? 0;
    return {
      name: "keras",
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: [{ name: "input", dims: inputDims }],
      outputs: [{ name: out.value, dims: [1, classes] }],
    };
  }

  private input(layer: KerasLayer, index = 0): Produced {
    const name = inboundNames(layer)[index];
    const produced = name === undefined ? undefined : this.produced.get(name);
    if (!produced) throw new Error(`layer ${layer.name} has no converted input ${index}`);
    if (produced.pads && !isConv(layer.class_name)) {
      throw new Error(`ZeroPadding2D before ${layer.class_name} ${layer.name} is not supported`);
    }
    return produced;
  }

  private weight(name: string): { shape: number[]; data: Float32Array } {
    const w = this.model.weights.get(name);
    if (!w) throw new Error(`weight ${name} is missing`);
    return w;
  }

  private add(opType: string, layer: string, inputs: string[], attributes?: OnnxNode["attributes"]): string {
    const output = `${layer}:${opType}`;
    this.nodes.push({ opType, name: `${layer}/${opType}`, inputs, outputs: [output], attributes });
    return output;
  }

  private constant(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  private convert(layer: KerasLayer): Produced {
    const c = layer.config;
    switch (layer.class_name) {
      case "InputLayer":
        return { value: "input" };
      case "ZeroPadding2D": {
        const input = this.input(layer);
        const [[top, bottom], [left, right]] = c.padding as [[number, number], [number, number]];
        const before = input.pads ?? [0, 0, 0, 0];
        return {
          value: input.value,
          pads: [before[0] + top, before[1] + bottom, before[2] + left, before[3] + right],
        };
      }
      case "Conv2D":
      case "DepthwiseConv2D":
        return this.convolution(layer);
      case "BatchNormalization":
        return this.batchNorm(layer);
      case "ReLU": {
        const input = this.input(layer).value;
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) {
          throw new Error(`ReLU ${layer.name} with a slope or threshold is not supported`);
        }
        if (c.max_value === null || c.max_value === undefined)
          return { value: this.add("Relu", layer.name, [input]) };
        const min = this.constant(`${layer.name}/min`, [], Float32Array.of(0));
        const max = this.constant(`${layer.name}/max`, [], Float32Array.of(Number(c.max_value)));
        return { value: this.add("Clip", layer.name, [input, min, max]) };
      }
      case "Add": {
        const inputs = inboundNames(layer).map((_, i) => this.input(layer, i).value);
        return { value: this.add("Sum", layer.name, inputs) };
      }
      case "AveragePooling2D": {
        if (c.padding !== "valid") throw new Error(`AveragePooling2D ${layer.name}: only valid padding`);
        const pool = c.pool_size as number[];
        return {
          value: this.add("AveragePool", layer.name, [this.input(layer).value], {
            kernel_shape: pool,
            strides: (c.strides as number[] | null) ?? pool,
          }),
        };
      }
      case "GlobalAveragePooling2D": {
        const pooled = this.add("GlobalAveragePool", layer.name, [this.input(layer).value]);
        return { value: this.add("Flatten", `${layer.name}/flat`, [pooled], { axis: 1 }) };
      }
      case "Flatten": {
        // Keras flattens NHWC: put channels last first so the Dense weights line up.
        const nhwc = this.add("Transpose", layer.name, [this.input(layer).value], { perm: [0, 2, 3, 1] });
        return { value: this.add("Flatten", layer.name, [nhwc], { axis: 1 }) };
      }
      case "Dropout":
        return { value: this.input(layer).value };
      case "Dense":
        return this.dense(layer);
      default:
        throw new Error(`Keras layer ${layer.class_name} (${layer.name}) is not supported`);
    }
  }

  private convolution(layer: KerasLayer): Produced {
    const c = layer.config;
    const input = this.input(layer);
    const depthwise = layer.class_name === "DepthwiseConv2D";
    if (c.data_format !== "channels_last") throw new Error(`${layer.name}: only channels_last`);
    if ((c.dilation_rate as number[]).some((d) => d !== 1)) throw new Error(`${layer.name}: dilation`);
    const kernel = this.weight(`${layer.name}/${depthwise ? "depthwise_kernel" : "kernel"}`);
    const [kh = 0, kw = 0, cin = 0, cout0 = 0] = kernel.shape;
    const cout = depthwise ? cin * cout0 : cout0;
    // Keras [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]) → ONNX [out, in/group, kh, kw].
    const data = new Float32Array(cout * (depthwise ? 1 : cin) * kh * kw);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < cin; i++)
          for (let o = 0; o < cout0; o++) {
            const v = kernel.data[((y * kw + x) * cin + i) * cout0 + o] ?? 0;
            if (depthwise) data[((i * cout0 + o) * kh + y) * kw + x] = v;
            else data[((o * cin + i) * kh + y) * kw + x] = v;
          }
    const weight: OnnxTensor = { name: `${layer.name}/W`, dims: [cout, depthwise ? 1 : cin, kh, kw], data };
    const bias: OnnxTensor = {
      name: `${layer.name}/B`,
      dims: [cout],
      data: c.use_bias ? Float32Array.from(this.weight(`${layer.name}/bias`).data) : new Float32Array(cout),
    };
    this.initializers.push(weight, bias);
    const strides = c.strides as number[];
    const attributes: OnnxNode["attributes"] = {
      kernel_shape: [kh, kw],
      strides,
      group: depthwise ? cin : 1,
    };
    const [top, bottom, left, right] = input.pads ?? [0, 0, 0, 0];
    if (c.padding === "same") {
      if (input.pads) throw new Error(`${layer.name}: same padding after ZeroPadding2D`);
      attributes.auto_pad = "SAME_UPPER"; // TensorFlow's "same": any odd extra row/column at the end
    } else if (c.padding === "valid") attributes.pads = [top, left, bottom, right];
    else throw new Error(`${layer.name}: padding ${String(c.padding)}`);
    let value = this.add("Conv", layer.name, [input.value, weight.name, bias.name], attributes);
    if (c.activation === "relu") value = this.add("Relu", `${layer.name}/act`, [value]);
    else if (c.activation !== "linear") throw new Error(`${layer.name}: activation ${String(c.activation)}`);
    const foldable = c.activation === "linear" && this.consumers.get(layer.name) === 1;
    return { value, conv: foldable ? { weight, bias } : undefined };
  }

  /** Folds y = γ(x − μ)/√(σ² + ε) + β into the convolution's weights and bias. */
  private batchNorm(layer: KerasLayer): Produced {
    const c = layer.config;
    const input = this.input(layer);
    if (!input.conv) throw new Error(`BatchNormalization ${layer.name} does not follow a convolution`);
    const axis = c.axis as number | number[];
    if (axis !== -1 && axis !== 3 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === 3)) {
      throw new Error(`BatchNormalization ${layer.name}: axis ${JSON.stringify(axis)}`);
    }
    const epsilon = Number(c.epsilon ?? 1e-3);
    const mean = this.weight(`${layer.name}/moving_mean`).data;
    const variance = this.weight(`${layer.name}/moving_variance`).data;
    const gamma = c.scale === false ? undefined : this.weight(`${layer.name}/gamma`).data;
    const beta = c.center === false ? undefined : this.weight(`${layer.name}/beta`).data;
    const { weight, bias } = input.conv;
    const channels = bias.data.length;
    const perChannel = weight.data.length / channels;
    for (let o = 0; o < channels; o++) {
      const scale = (gamma?.[o] ?? 1) / Math.sqrt((variance[o] ?? 0) + epsilon);
      for (let k = 0; k < perChannel; k++) {
        const at = o * perChannel + k;
        weight.data[at] = (weight.data[at] ?? 0) * scale;
      }
      bias.data[o] = ((bias.data[o] ?? 0) - (mean[o] ?? 0)) * scale + (beta?.[o] ?? 0);
    }
    return { value: input.value };
  }

  private dense(layer: KerasLayer): Produced {
    const c = layer.config;
    const kernel = this.weight(`${layer.name}/kernel`);
    const units = kernel.shape[1] ?? 0;
    const w = this.constant(`${layer.name}/W`, kernel.shape, Float32Array.from(kernel.data));
    const inputs = [this.input(layer).value, w];
    if (c.use_bias) {
      inputs.push(
        this.constant(`${layer.name}/B`, [units], Float32Array.from(this.weight(`${layer.name}/bias`).data)),
      );
    }
    const value = this.add("Gemm", layer.name, inputs);
    switch (c.activation) {
      case "linear":
        return { value };
      case "relu":
        return { value: this.add("Relu", `${layer.name}/act`, [value]) };
      case "softmax":
        return { value: this.add("Softmax", `${layer.name}/act`, [value], { axis: 1 }) };
      default:
        throw new Error(`Dense ${layer.name}: activation ${String(c.activation)}`);
    }
  }
}

function inboundNames(layer: KerasLayer): string[] {
  const first = layer.inbound_nodes[0];
  if (layer.inbound_nodes.length > 1) throw new Error(`layer ${layer.name} is shared; not supported`);
  return (first ?? []).map((entry) => entry[0]);
}

function isConv(className: string): boolean {
  return className === "Conv2D" || className === "DepthwiseConv2D" || className === "ZeroPadding2D";
}

/** The ONNX bytes of a Keras model whose input is `inputDims` in NCHW (e.g. [1, 3, 224, 224]). */
export function kerasToOnnx(model: KerasModel, inputDims: number[]): Uint8Array {
  const graph = new Converter(model).run(inputDims);
  return encodeOnnxModel(graph, "atelier-keras-to-onnx");
}

import { runInNewContext } from "node:vm";
import { z } from "zod";

/**
 * nsfwjs ships each TensorFlow.js layers model as browserify bundles: `model.min.js` returns the
 * model.json object and each `group1-shardNofM.min.js` returns one base64 weight shard. The
 * bundles are evaluated in an empty V8 context (no require, process or globals), so nothing
 * of the package runs with access to this process; only the returned data is kept.
 */

const quantizationSchema = z.object({
  min: z.number(),
  scale: z.number(),
  dtype: z.literal("uint8"),
});

const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.literal("float32"),
  quantization: quantizationSchema.optional(),
});

export const kerasLayerSchema = z.object({
  name: z.string(),
  class_name: z.string(),
  config: z.record(z.string(), z.unknown()),
  inbound_nodes: z.array(z.array(z.tuple([z.string(), z.number(), z.number()]).rest(z.unknown()))),
});
export type KerasLayer = z.infer<typeof kerasLayerSchema>;

const modelJsonSchema = z.object({
  modelTopology: z.object({
    model_config: z.object({
      class_name: z.literal("Model"),
      config: z.object({
        layers: z.array(kerasLayerSchema),
        input_layers: z.array(z.tuple([z.string(), z.number(), z.number()])).length(1),
        output_layers: z.array(z.tuple([z.string(), z.number(), z.number()])).length(1),
      }),
    }),
  }),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSpecSchema) })),
});

export interface KerasModel {
  layers: KerasLayer[];
  inputLayer: string;
  outputLayer: string;
  /** Dequantised float32 weights by name, e.g. "Conv1/kernel". */
  weights: Map<string, { shape: number[]; data: Float32Array }>;
}

function evaluateBundle(source: string): unknown {
  const sandbox: { module: { exports: unknown }; exports: Record<string, unknown> } = {
    module: { exports: {} },
    exports: {},
  };
  sandbox.module.exports = sandbox.exports;
  runInNewContext(source, sandbox, { timeout: 5_000 });
  // A JSON round trip leaves plain data of this realm (no functions, no foreign prototypes).
  return JSON.parse(JSON.stringify(sandbox.module.exports));
}

/** Reads a layers model from its bundle texts; `shards` are in the order the manifest names them. */
export function readTfjsBundle(modelSource: string, shardSources: string[]): KerasModel {
  const json = modelJsonSchema.parse(evaluateBundle(modelSource));
  const shards = shardSources.map((source) => {
    const base64 = z.string().parse(evaluateBundle(source));
    return Buffer.from(base64, "base64");
  });
  const data = Buffer.concat(shards);
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  let offset = 0;
  for (const group of json.weightsManifest) {
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      if (spec.quantization) {
        const { min, scale } = spec.quantization;
        for (let i = 0; i < count; i++) values[i] = min + scale * (data[offset + i] ?? 0);
        offset += count;
      } else {
        for (let i = 0; i < count; i++) values[i] = data.readFloatLE(offset + i * 4);
        offset += count * 4;
      }
      weights.set(spec.name, { shape: spec.shape, data: values });
    }
  }
  if (offset !== data.length) {
    throw new Error(`weight manifest covers ${offset} of ${data.length} shard bytes`);
  }
  const config = json.modelTopology.model_config.config;
  const [input] = config.input_layers;
  const [output] = config.output_layers;
  if (!input || !output) throw new Error("the model names no input or output layer");
  return {
    layers: config.layers,
    inputLayer: input[0],
    outputLayer: output[0],
    weights,
  };
}

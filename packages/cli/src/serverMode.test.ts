import { spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { type Cluster, startCluster } from "@atelier/sdk/testing";
import { fixturesDir } from "@atelier/shared/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "./main.ts";

const bin = fileURLToPath(new URL("../bin/atelier.mjs", import.meta.url));

/** The CLI against a real server (Postgres, Redis, a GPU node), as a person at a terminal uses it. */
describe("atelier against a server", () => {
  let cluster: Cluster;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "atelier-cli-server-"));
    cluster = await startCluster();
    env = { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, "config") };
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function atelier(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        env: { ...env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  it("refuses --server before login with exit 2 and says how to log in", async () => {
    const photo = join(dir, "early.png");
    await copyFile(join(fixturesDir, "chelsea.png"), photo);
    const r = await atelier(["run", "remove-background", photo, "--server"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "atelier: no server to talk to: run `atelier login --server URL` first, or give --server URL\n",
    );
  });

  it("logs in with a key the server accepts and keeps it readable by its owner only", async () => {
    const refused = await atelier(["login", "--server", cluster.url, "--key", "atl_wrong"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`atelier: ${cluster.url} does not accept this API key.\n`);

    const r = await atelier(["login", "--server", cluster.url, "--key", cluster.apiKey]);
    expect(r.code, r.stderr).toBe(0);
    const path = join(dir, "config", "atelier", "config.json");
    expect(r.stderr).toContain(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({
      defaultServer: cluster.url,
      servers: { [cluster.url]: { apiKey: cluster.apiKey } },
    });
  });

  it("runs remove-background on the server with progress bars and writes the cutout beside the photo", async () => {
    const photo = join(dir, "chelsea.png");
    await copyFile(join(fixturesDir, "chelsea.png"), photo);
    let stderr = "";
    const stdout = new PassThrough();
    let printed = "";
    stdout.on("data", (d: Buffer) => (printed += d));
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    terminal.on("data", (d: Buffer) => (stderr += d));
    const code = await main(["run", "remove-background", photo, "--server", "--json"], {
      stdout,
      stderr: terminal,
      env,
    });
    expect(code, stderr).toBe(0);
    // A bar per step, redrawn in place, then the summary line.
    expect(stderr).toMatch(/chelsea\.png {2}\[1\/2\] normalize/);
    expect(stderr).toMatch(/chelsea\.png {2}\[2\/2\] remove-background +█+░* +\d+%/);
    expect(stderr).toContain("✔ chelsea.png  2 files in");
    const { results } = JSON.parse(printed) as {
      results: Array<{ jobId: string; status: string; outputs: string[] }>;
    };
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      status: "succeeded",
      outputs: [join(dir, "chelsea.cutout.png"), join(dir, "chelsea.mask.png")],
    });
    const cutout = await sharp(join(dir, "chelsea.cutout.png")).metadata();
    expect(cutout).toMatchObject({ format: "png", hasAlpha: true, width: 451, height: 300 });

    // The same run again refuses to overwrite, exactly as local mode does (exit 1, one line).
    const again = await atelier(["run", "remove-background", photo, "--server"]);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toContain(
      "already exist; add --force to replace, or choose another --out folder. [CONFLICT]",
    );

    // `jobs` lists it, `watch` of a finished job says how it ended.
    const jobs = await atelier(["jobs", "--server", "--json"]);
    expect(jobs.code, jobs.stderr).toBe(0);
    const listed = JSON.parse(jobs.stdout) as Array<{ id: string; status: string }>;
    expect(listed.find((j) => j.id === results[0]!.jobId)?.status).toBe("succeeded");
    const table = await atelier(["jobs"]);
    expect(table.stdout).toContain(`${results[0]!.jobId}  succeeded  100%  remove-background`);
    const watched = await atelier(["watch", results[0]!.jobId, "--json"]);
    expect(watched.code, watched.stderr).toBe(0);
    expect(
      watched.stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { type: string }).type),
    ).toEqual(["job.succeeded"]);
  }, 240_000);
});

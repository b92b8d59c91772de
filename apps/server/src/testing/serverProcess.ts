import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@atelier/shared/testing";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export interface RunningServer {
  url: string;
  /** The process group the server runs in (tsx and the node process it starts), for CPU accounting. */
  pid: number;
  /** The server's data folder (PGlite and local storage in embedded mode). */
  dataDir: string;
  /** Everything the server printed, for the failure message when something goes wrong. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; removes the data folder unless the caller passed its own. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Added to (and overriding) this process's environment. */
  env?: Record<string, string>;
  /** The port to listen on, so that a restarted server keeps its URL; a free one by default. */
  port?: number;
  /** A data folder the caller owns (kept by stop(), for a restart); a fresh one removed by stop() by default. */
  dataDir?: string;
  /** How long the server may take to answer GET /healthz; 60 s by default. */
  healthTimeoutMs?: number;
}

/**
 * Starts the server as its own process on a free port and a fresh data folder: embedded mode unless
 * `env` points it at Postgres and Redis. It runs `testServerMain.ts`, the production server with the
 * diagnostic steps in its catalogue.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "atelier-web-e2e-")));
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(
    join(repoRoot, "node_modules", ".bin", "tsx"),
    ["apps/server/src/testing/testServerMain.ts"],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        ATELIER_DATA_DIR: dataDir,
        ATELIER_PUBLIC_URL: url,
        LOG_LEVEL: "warn",
        // Required with Redis and local storage; harmless without.
        ATELIER_SECRET: "atelier-test-secret-shared-by-every-instance",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so stopping it also stops the node process tsx starts.
      detached: true,
    },
  );
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });

  const stop = async () => {
    await stopProcessGroup(child);
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, options.healthTimeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- server output ---\n${output}`);
  }
  return { url, pid: child.pid!, dataDir, output: () => output, stop };
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The server exited with code ${child.exitCode} before it was healthy.`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The server did not answer GET /healthz with 200 within ${timeoutMs / 1000} s.`);
}

/**
 * SIGTERM to the process group of a child spawned with `detached: true`, SIGKILL after 10 s; resolves
 * when it has exited.
 */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup("SIGTERM");
  const timer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

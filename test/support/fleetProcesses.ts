import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * The processes of a fleet as production starts them: `node apps/server/dist/main.js` and
 * `node apps/gpu-node/dist/main.js` of a built checkout (deploy/ runs the same commands).
 */
export interface FleetProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: a crash, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/** Builds the server and the GPU node of `root` (what `npm run build` does for them). */
export async function buildApps(root: string): Promise<void> {
  const run = promisify(execFile);
  await Promise.all(
    ["apps/server", "apps/gpu-node"].map((app) =>
      run(process.execPath, [join(root, "scripts", "bundle.mjs"), "src/main.ts", "dist/main.js"], {
        cwd: join(root, app),
      }),
    ),
  );
}

export function startProcess(
  name: string,
  root: string,
  entry: "apps/server/dist/main.js" | "apps/gpu-node/dist/main.js",
  env: Record<string, string>,
  args: string[] = [],
): FleetProcess {
  const child = spawn(process.execPath, [join(root, entry), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const signal = async (sig: NodeJS.Signals) => {
    if (exited()) return;
    const gone = once(child, "exit");
    child.kill(sig);
    await gone;
  };
  return {
    name,
    child,
    output: () => output,
    kill: () => signal("SIGKILL"),
    stop: async () => {
      if (exited()) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await signal("SIGTERM");
      clearTimeout(timer);
    },
  };
}

/** Waits until `url` answers 200, failing early (with the output) if the process exits first. */
export async function waitForOk(process_: FleetProcess, url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process_.child.exitCode !== null || process_.child.signalCode !== null) {
      throw new Error(
        `${process_.name} exited (${process_.child.exitCode}) before ${url} answered:\n${process_.output()}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s:\n${process_.output()}`);
}

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type JobsEnv, TEST_PUBLIC_URL, TEST_SECRET } from "@atelier/jobs/testing";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * Starts a GPU node (`testNodeMain.ts`: the production node plus the diagnostic steps) as a process of
 * its own, joined to a createJobsEnv() installation, so a test can SIGKILL or SIGTERM it as an operator
 * would. Its output goes to the test's. `extra` adds or overrides environment variables.
 */
export function spawnTestNode(
  env: JobsEnv,
  nodeId: string,
  extra: Record<string, string> = {},
): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "apps/gpu-node/src/testing/testNodeMain.ts"], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      REDIS_URL: env.redisUrl,
      REDIS_PREFIX: env.prefix,
      DATABASE_URL: env.databaseUrl,
      ATELIER_DATA_DIR: env.storageDir,
      ATELIER_SECRET: TEST_SECRET,
      ATELIER_PUBLIC_URL: TEST_PUBLIC_URL,
      NODE_ID: nodeId,
      NODE_MEMORY_BUDGET_MB: "2048",
      BUS_LEASE_MS: String(env.timing.leaseMs),
      NODE_HTTP_PORT: "0",
      LOG_LEVEL: "warn",
      ...extra,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

/** Resolves with the exit code once the process has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBus, type JobBus } from "@atelier/bus";
import { deleteKeys, TEST_REDIS_URL } from "@atelier/bus/testing";
import { createTestDatabase } from "@atelier/db/testing";
import { type RunningServer, startServer, stopProcessGroup } from "@atelier/server/testing";
import { freePort } from "@atelier/shared/testing";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** What a test gets: a server on a fixed port that can be restarted, a GPU node, and an account with a key. */
export interface Cluster {
  url: string;
  apiKey: string;
  orgId: string;
  projectId: string;
  /** The server's project event streams, for checking what a client received against what was sent. */
  bus: JobBus;
  /** SIGTERM the server, wait for it to exit, start it again on the same port, data and secret. */
  restartServer(): Promise<void>;
  output(): string;
  close(): Promise<void>;
}

/**
 * Postgres (a fresh database), Redis (a fresh prefix), and local storage in a temporary folder, shared
 * by a server process and a GPU node process, each with its own process group, as in production: the
 * server can be restarted while the node keeps running jobs and appending their events.
 */
export async function startCluster(): Promise<Cluster> {
  const database = await createTestDatabase("postgres");
  const redisUrl = TEST_REDIS_URL;
  const prefix = `atelier-sdk-${randomBytes(6).toString("hex")}`;
  const dataDir = await mkdtemp(join(tmpdir(), "atelier-sdk-cluster-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const shared = {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    ATELIER_DATA_DIR: dataDir,
    ATELIER_SECRET: randomBytes(32).toString("base64url"),
    ATELIER_PUBLIC_URL: url,
    LOG_LEVEL: "warn",
  };
  let nodeOutput = "";
  let earlierServersOutput = "";
  const startClusterServer = () => startServer({ env: shared, port, dataDir, healthTimeoutMs: 90_000 });
  let server: RunningServer | null = null;
  let node: ChildProcess | null = null;
  const output = () =>
    `${earlierServersOutput}${prefixed("server", server?.output() ?? "")}${prefixed("node", nodeOutput)}`;
  const bus = createBus({ redisUrl, prefix });
  const close = async () => {
    await Promise.all([server?.stop(), node && stopProcessGroup(node)]);
    await bus.close();
    await deleteKeys(prefix, redisUrl);
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    server = await startClusterServer();
    node = spawn(process.execPath, ["--import", "tsx", "apps/gpu-node/src/testing/testNodeMain.ts"], {
      cwd: repoRoot,
      env: { ...shared, NODE_ID: "sdk-test-node", NODE_MEMORY_BUDGET_MB: "4096", NODE_JOB_MEMORY_MB: "2048" },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, as the server's, so that stopping one never signals the other.
      detached: true,
    });
    node.stdout?.on("data", (chunk: Buffer) => (nodeOutput += chunk));
    node.stderr?.on("data", (chunk: Buffer) => (nodeOutput += chunk));
    const account = await createAccount(url);
    return {
      url,
      ...account,
      bus,
      output,
      async restartServer() {
        await server!.stop();
        earlierServersOutput += prefixed("server", server!.output());
        server = null;
        server = await startClusterServer();
      },
      close,
    };
  } catch (err) {
    await close();
    throw new Error(`${(err as Error).message}\n--- output ---\n${output()}`);
  }
}

/** Signs up over plain HTTP (as any client could), makes an organization, a project and an API key. */
async function createAccount(url: string): Promise<{ apiKey: string; orgId: string; projectId: string }> {
  let cookie = "";
  const call = async <T>(path: string, input: unknown): Promise<T> => {
    const res = await fetch(`${url}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(input),
    });
    const set = res.headers.getSetCookie()[0];
    if (set) cookie = set.split(";")[0]!;
    const body = (await res.json()) as { result?: { data: T }; error?: unknown };
    if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
    return body.result.data;
  };
  const email = `sdk-${randomBytes(4).toString("hex")}@example.com`;
  await call("auth.signUp", { email, password: "correct horse battery", name: "Grace" });
  const org = await call<{ id: string }>("orgs.create", { name: "Grace's studio" });
  const project = await call<{ id: string }>("projects.create", { orgId: org.id, name: "SDK tests" });
  const key = await call<{ key: string }>("auth.createApiKey", {
    name: "sdk test",
    scopes: ["read", "write"],
  });
  return { apiKey: key.key, orgId: org.id, projectId: project.id };
}

/** Each line of a process's output marked with the part of the cluster that printed it. */
function prefixed(name: string, text: string): string {
  return text.replace(/^(?=.)/gm, `[${name}] `);
}

/** Every job event the bus holds for one job, in order (the stream's history from its start). */
export async function jobEventsOf(bus: JobBus, projectId: string, jobId: string): Promise<string[]> {
  const controller = new AbortController();
  const types: string[] = [];
  let idle = setTimeout(() => controller.abort(), 1_000);
  try {
    for await (const { event } of bus.events(projectId, { afterId: "0-0", signal: controller.signal })) {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), 500);
      if ("jobId" in event && event.jobId === jobId) types.push(event.type);
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  clearTimeout(idle);
  return types;
}

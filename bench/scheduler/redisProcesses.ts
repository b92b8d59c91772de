/**
 * Redis servers of the scheduler simulation's own, on free ports, so its INFO figures (commands,
 * memory, CPU) count nothing but the simulation: one standalone `redis-server`, or a Redis Cluster
 * of local ones (masters only, as the machine has two cores), no persistence, removed by stop().
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Cluster, Redis } from "ioredis";

const run = promisify(execFile);

export interface LocalCluster {
  ports: number[];
  /** A plain connection to each master, for INFO. */
  masters: Redis[];
  connect(options?: { blocking?: boolean }): Cluster;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Redis Cluster: ${what} did not happen within ${timeoutMs} ms`);
}

export interface LocalRedis {
  url: string;
  /** The one server, for INFO. */
  masters: Redis[];
  stop(): Promise<void>;
}

function spawnRedis(port: number, dir: string, extra: string[] = []): ChildProcess {
  return spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--maxclients",
      "10000",
      ...extra,
    ],
    { stdio: "ignore" },
  );
}

async function stopAll(processes: ChildProcess[], connections: Redis[], dir: string): Promise<void> {
  for (const c of connections) c.disconnect();
  for (const p of processes) if (p.exitCode === null) p.kill("SIGTERM");
  await Promise.all(processes.map((p) => (p.exitCode === null ? once(p, "exit") : undefined)));
  rmSync(dir, { recursive: true, force: true });
}

export async function startLocalRedis(): Promise<LocalRedis> {
  const dir = mkdtempSync(join(tmpdir(), "atelier-redis-"));
  const port = await freePort();
  const processes = [spawnRedis(port, dir)];
  const connection = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => 100 });
  connection.on("error", () => undefined);
  const stop = () => stopAll(processes, [connection], dir);
  try {
    await waitFor(async () => (await connection.ping()) === "PONG", "start");
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, masters: [connection], stop };
}

export async function startLocalCluster(size = 3): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), "atelier-cluster-"));
  const ports: number[] = [];
  for (let i = 0; i < size; i++) ports.push(await freePort());
  const processes = ports.map((port) =>
    spawnRedis(port, dir, [
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      join(dir, `nodes-${port}.conf`),
    ]),
  );
  const masters = ports.map((port) => {
    const connection = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => 100 });
    connection.on("error", () => undefined);
    return connection;
  });
  const stop = () => stopAll(processes, masters, dir);
  try {
    await waitFor(
      async () => (await Promise.all(masters.map((m) => m.ping()))).every((r) => r === "PONG"),
      "start",
    );
    await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    await waitFor(
      async () =>
        (await Promise.all(masters.map((m) => m.call("CLUSTER", "INFO")))).every((info) =>
          String(info).includes("cluster_state:ok"),
        ),
      "cluster_state:ok",
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const connect = (options: { blocking?: boolean } = {}) =>
    new Cluster(
      ports.map((port) => ({ host: "127.0.0.1", port })),
      {
        enableAutoPipelining: !options.blocking,
        redisOptions: options.blocking ? { maxRetriesPerRequest: null } : {},
      },
    );
  return { ports, masters, connect, stop };
}

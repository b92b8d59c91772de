import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "@atelier/shared/testing";
import { Redis } from "ioredis";

export interface PrivateRedis {
  url: string;
  /** Kills the server (no shutdown save) and starts a fresh, empty one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A `redis-server` of the test's own on a free loopback port, keeping nothing on disk. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child = await launch(port, url);
  return {
    url,
    restart: async () => {
      await kill(child);
      child = await launch(port, url);
    },
    stop: () => kill(child),
  };
}

async function launch(port: number, url: string): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  try {
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await probe.connect();
        await probe.ping();
        return child;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    probe.disconnect();
  }
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

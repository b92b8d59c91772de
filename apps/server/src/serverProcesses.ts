import cluster, { type Worker } from "node:cluster";
import { once } from "node:events";
import { AppError, type Logger } from "@atelier/shared";
import type { Config } from "./env.ts";

/** A server process that dies is started again after this long (not in a tight loop). */
const RESTART_DELAY_MS = 1000;

/**
 * `ATELIER_SERVER_PROCESSES` > 1: this process only supervises; that many server processes share
 * the port (node:cluster hands each new connection to one of them). They share nothing in memory,
 * which the deployment allows only with Postgres and Redis: outbox relays, sweepers and event
 * fan-out already work across instances. The first process starts alone, so the database
 * migrations run once, then the others; a process that dies is started again.
 */
export async function superviseServerProcesses(config: Config, log: Logger): Promise<void> {
  if (!config.databaseUrl || !config.redisUrl) {
    throw new AppError(
      "CONFIG_ERROR",
      "ATELIER_SERVER_PROCESSES above 1 needs DATABASE_URL and REDIS_URL: processes share Postgres and Redis, not the embedded database.",
      { serverProcesses: config.serverProcesses },
    );
  }
  let stopping = false;
  const start = (): Worker => {
    const worker = cluster.fork();
    worker.on("exit", (code, signal) => {
      if (stopping) return;
      log.error({ pid: worker.process.pid, code, signal }, "a server process died; starting another");
      setTimeout(() => {
        if (!stopping) start();
      }, RESTART_DELAY_MS);
    });
    return worker;
  };
  const first = start();
  const [event] = (await Promise.race([once(first, "listening"), once(first, "exit")])) as unknown[];
  if (typeof event !== "object" || event === null) {
    throw new AppError(
      "CONFIG_ERROR",
      "The first server process stopped before it was listening; see its log above.",
    );
  }
  for (let i = 1; i < config.serverProcesses; i++) start();
  log.info({ processes: config.serverProcesses }, "server processes started");

  const shutdown = async (signal: NodeJS.Signals) => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(async (w) => {
        if (w.isDead()) return;
        const exited = once(w, "exit");
        w.process.kill(signal);
        await exited;
      }),
    );
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

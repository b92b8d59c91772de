import { randomBytes } from "node:crypto";
import { rowsOf, sql } from "@atelier/db";
import { createTestDatabase } from "@atelier/db/testing";
import { startServer } from "../../apps/server/src/testing/serverProcess.ts";
import { processCpuMicros } from "./processCpu.ts";
import { BENCH_REDIS_URL, deleteRedisKeys } from "./redisKeys.ts";

/** Benchmarks measure the platform, not its rate limits: every server of a benchmark runs with these. */
export const BENCH_LIMITS = {
  ATELIER_API_CALLS_PER_MINUTE: "100000000",
  ATELIER_ORG_SUBMITS_PER_MINUTE: "100000000",
  ATELIER_ORG_UPLOADS_PER_MINUTE: "100000000",
};

/**
 * The server as deployed at scale: its own process, on a fresh Postgres database and a Redis key
 * prefix of its own, both removed by stop().
 */
export async function startScaledOutServer(env: Record<string, string> = {}) {
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  const database = await createTestDatabase("postgres");
  const { name, url: databaseUrl } = database;
  const server = await startServer({
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: BENCH_REDIS_URL,
      REDIS_PREFIX: prefix,
      ...BENCH_LIMITS,
      ...env,
    },
  });
  // Benchmarks measure the platform, not a plan: no plan caps the jobs an organization runs at once.
  await database.db.execute(sql`update plans set max_live_jobs = 1000000000`);
  return {
    url: server.url,
    pid: server.pid,
    dataDir: server.dataDir,
    databaseUrl,
    /** Transactions committed in its database so far (group commit makes fewer than one per job). */
    commits: async () => {
      const [row] = rowsOf<{ commits: string }>(
        await database.db.execute(
          sql`select xact_commit as commits from pg_stat_database where datname = ${name}`,
        ),
      );
      return Number(row?.commits ?? 0);
    },
    /**
     * CPU time (ms) the Postgres backends serving its database used so far: the work a statement
     * costs the database, which the server's own CPU figure leaves out. Linux, local Postgres only.
     */
    postgresCpuMs: async () => {
      const backends = rowsOf<{ pid: number }>(
        await database.db.execute(sql`select pid from pg_stat_activity where datname = ${name}`),
      );
      let micros = 0;
      for (const { pid } of backends) {
        try {
          micros += processCpuMicros(pid);
        } catch {
          // A backend that ended meanwhile.
        }
      }
      return micros / 1000;
    },
    prefix,
    stop: async () => {
      await server.stop();
      await database.close();
      await deleteRedisKeys(`${prefix}:`);
    },
  };
}

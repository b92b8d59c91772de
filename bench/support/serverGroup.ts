import { type RunningServer, startServer } from "../../apps/server/src/testing/serverProcess.ts";
import { BENCH_REDIS_URL } from "./redisKeys.ts";
import { BENCH_LIMITS, startScaledOutServer } from "./scaledOutServer.ts";

/**
 * Several server processes as deployed at scale, sharing one fresh Postgres database and one Redis
 * key prefix (a load balancer would spread clients over them). The first one migrates the database
 * before the others start.
 */
export async function startScaledOutServers(count: number, env: Record<string, string> = {}) {
  const first = await startScaledOutServer(env);
  const shared = {
    // Without them the other servers refuse subscriptions past the default per-person rate.
    ...BENCH_LIMITS,
    DATABASE_URL: first.databaseUrl,
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: first.prefix,
    // One installation: the same public URL and, on one machine, the same storage folder (the fleet
    // check refuses servers that disagree).
    ATELIER_PUBLIC_URL: first.url,
    ATELIER_DATA_DIR: first.dataDir,
    ...env,
  };
  const others: RunningServer[] = [];
  for (let i = 1; i < count; i++) others.push(await startServer({ env: shared }));
  return {
    urls: [first.url, ...others.map((s) => s.url)],
    pids: [first.pid, ...others.map((s) => s.pid)],
    prefix: first.prefix,
    stop: async () => {
      for (const other of others) await other.stop();
      await first.stop();
    },
  };
}

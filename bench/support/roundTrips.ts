/**
 * How long one round trip to the machine's Postgres and Redis takes when nothing else runs, in a
 * process of its own (forked with IPC): a paced `select 1` and `PING`, each alone. Every submit →
 * claimed path is a chain of such trips (client → server, Postgres twice, Redis, the node's wake-up
 * and claim), so these set the floor its figures stand on, and they differ a lot between machines.
 */
import { Redis } from "ioredis";
import postgres from "postgres";
import { percentile } from "../result.ts";
import { serveCommands } from "./forked.ts";

export type RoundTripCommand =
  | { type: "measure"; databaseUrl: string; redisUrl: string; rate: number; seconds: number }
  | { type: "close" };

export interface RoundTripFigures {
  p50: number;
  p99: number;
  max: number;
}

export type RoundTripReply = { type: "measured"; postgres: RoundTripFigures; redis: RoundTripFigures };

async function paced(rate: number, seconds: number, trip: () => Promise<unknown>): Promise<RoundTripFigures> {
  await trip();
  const latencies: number[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const started = performance.now();
    await trip();
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1)! };
}

serveCommands<RoundTripCommand, RoundTripReply>(async (command) => {
  if (command.type === "close") process.exit(0);
  const sql = postgres(command.databaseUrl, { max: 1, onnotice: () => {} });
  const redis = new Redis(command.redisUrl);
  try {
    return {
      type: "measured",
      postgres: await paced(command.rate, command.seconds, () => sql`select 1`),
      redis: await paced(command.rate, command.seconds, () => redis.ping()),
    };
  } finally {
    await sql.end();
    redis.disconnect();
  }
});

import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { lockDataDir } from "./dataDirLock.ts";
import {
  type MigrationPolicy,
  migrateDatabase,
  migrationsFolder,
  requireCurrentSchema,
} from "./migrations.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle or the database itself: code that may run inside a transaction takes this. */
export type Executor = Pick<Database, "select" | "insert" | "update" | "delete" | "execute" | "transaction">;

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

export type DatabaseOptions =
  | {
      url: string;
      maxConnections?: number;
      /**
       * `auto` (the default, for tests and `migrate`): migrate under the advisory lock before opening.
       * `check`: refuse a database whose schema is behind this code (CONFIG_ERROR naming what to run),
       * so a server never migrates behind another's back.
       */
      migrate?: MigrationPolicy;
    }
  | { dataDir: string }
  /** In-memory PGlite, for tests. */
  | { memory: true };

/**
 * Connections a process keeps to Postgres. Few: postgres.js pipelines queries on a busy connection,
 * and every backend woken costs the database CPU. Measured with bench/lifecycle.ts (one server, 2
 * cores, Postgres on the same machine): 4 connections sustained 1 347 submissions a second against
 * 1 026 with 10, and submit → claimed p99 at 500/s was 74 ms against 201 ms.
 */
export const DEFAULT_POOL_SIZE = 4;

/** Opens Postgres (postgres.js) or embedded PGlite with its schema up to date (see `migrate`). */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if ("url" in options) {
    if ((options.migrate ?? "auto") === "auto") await migrateDatabase(options.url);
    const client = postgres(options.url, {
      max: options.maxConnections ?? DEFAULT_POOL_SIZE,
      onnotice: () => {},
    });
    const db = drizzlePostgres(client, {
      schema,
      logger: process.env.ATELIER_LOG_SQL === "1",
    }) as unknown as Database;
    try {
      if (options.migrate === "check") await requireCurrentSchema(client);
    } catch (err) {
      await client.end({ timeout: 1 });
      throw err;
    }
    return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }

  const unlock = "dataDir" in options ? lockDataDir(options.dataDir) : () => {};
  try {
    const client = "dataDir" in options ? new PGlite(join(options.dataDir, "pg")) : new PGlite();
    await client.waitReady;
    const db = drizzlePglite(client, { schema }) as unknown as Database;
    await migratePglite(drizzlePglite(client), { migrationsFolder });
    return {
      db,
      kind: "pglite",
      close: async () => {
        await client.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

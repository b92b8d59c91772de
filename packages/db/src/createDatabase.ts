import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { lockDataDir } from "./dataDirLock.ts";
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
  | { url: string; maxConnections?: number }
  | { dataDir: string }
  /** In-memory PGlite, for tests. */
  | { memory: true };

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "..", "drizzle");

/** Opens Postgres (postgres.js) or embedded PGlite and brings the schema up to date. */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if ("url" in options) {
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
    });
    const db = drizzlePostgres(client, {
      schema,
      logger: process.env.ATELIER_LOG_SQL === "1",
    }) as unknown as Database;
    try {
      await migratePostgres(drizzlePostgres(client), { migrationsFolder });
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

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "@atelier/shared";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgresSchema } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "..", "drizzle");

/**
 * The advisory lock every process takes around migrations (two-key form: "ATLR", 1). Without it two
 * processes starting together on an empty database both run `create schema drizzle` and the loser
 * dies on `pg_type_typname_nsp_index`.
 */
const MIGRATION_LOCK = [0x41544c52, 1] as const;

/** What a server may do about a database whose schema is behind its code. */
export type MigrationPolicy = "auto" | "check";

export interface SchemaState {
  /** Migrations this code knows, in order (their tags, e.g. `0005_count_live_jobs`). */
  known: string[];
  /** Known migrations the database has not applied. */
  pending: string[];
  /** True when the database has applied migrations newer than this code knows (a newer release ran). */
  ahead: boolean;
}

interface JournalEntry {
  tag: string;
  when: number;
}

/** The migrations this code knows, in order, from drizzle-kit's journal beside them. */
function journal(): JournalEntry[] {
  const { entries } = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: JournalEntry[];
  };
  return entries;
}

/** Which migrations a Postgres database lacks, read without changing anything. */
export async function schemaStateOf(client: postgres.Sql): Promise<SchemaState> {
  const entries = journal();
  const [table] = await client`select to_regclass('drizzle.__drizzle_migrations') as name`;
  let lastApplied = -1;
  if (table?.name) {
    const [row] = await client`select max(created_at)::float8 as last from drizzle.__drizzle_migrations`;
    lastApplied = row?.last === null || row?.last === undefined ? -1 : Number(row.last);
  }
  const newest = entries.at(-1)?.when ?? -1;
  return {
    known: entries.map((e) => e.tag),
    pending: entries.filter((e) => e.when > lastApplied).map((e) => e.tag),
    ahead: lastApplied > newest,
  };
}

/**
 * Brings a Postgres database up to date under a session advisory lock, so any number of processes
 * may call it at once: one migrates, the others wait and then find nothing left to do.
 * Returns the migrations this call applied.
 */
export async function migrateDatabase(url: string): Promise<string[]> {
  // One connection: the session lock and drizzle's transaction must be on the same backend.
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK[0]}, ${MIGRATION_LOCK[1]})`;
    try {
      const before = await schemaStateOf(client);
      if (before.pending.length > 0) {
        await migratePostgresSchema(drizzlePostgres(client), { migrationsFolder });
      }
      return before.pending;
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK[0]}, ${MIGRATION_LOCK[1]})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Refuses a database whose schema is behind this code, naming what to run. A database ahead of the
 * code is allowed (an older release keeps serving while a newer one rolls out).
 */
export async function requireCurrentSchema(client: postgres.Sql): Promise<SchemaState> {
  const state = await schemaStateOf(client);
  if (state.pending.length > 0) {
    const empty = state.pending.length === state.known.length;
    throw new AppError(
      "CONFIG_ERROR",
      `${
        empty
          ? "The database has no Atelier schema yet."
          : `The database schema is older than this release: ${state.pending.length} migration(s) not applied (${state.pending.join(", ")}).`
      } Run \`atelier-server migrate\` (\`node apps/server/dist/main.js migrate\`, or \`npm run migrate\` in a checkout) once with the same DATABASE_URL, or start with ATELIER_MIGRATE=auto to migrate at start under a lock.`,
      { pending: state.pending },
    );
  }
  return state;
}

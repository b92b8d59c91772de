import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDatabase, type DatabaseHandle } from "./createDatabase.ts";

/** The Postgres that tests and benchmarks make their databases in: `TEST_DATABASE_URL`, or the local one. */
export const TEST_DATABASE_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** The address of database `name` in the tests' Postgres (`TEST_DATABASE_ADMIN_URL`). */
export function testDatabaseUrl(name: string): string {
  return Object.assign(new URL(TEST_DATABASE_ADMIN_URL), { pathname: `/${name}` }).toString();
}

/** A test database in Postgres, with the address a server or node process of its own connects to. */
export interface PostgresTestDatabase extends DatabaseHandle {
  name: string;
  url: string;
}

/**
 * A fresh, migrated database for one test file: a Postgres database with a random name (dropped on close),
 * or in-memory PGlite. Runs side by side never see each other.
 */
export async function createTestDatabase(
  kind: "postgres",
  options?: { maxConnections?: number },
): Promise<PostgresTestDatabase>;
export async function createTestDatabase(kind: "postgres" | "pglite"): Promise<DatabaseHandle>;
export async function createTestDatabase(
  kind: "postgres" | "pglite",
  options: { maxConnections?: number } = {},
): Promise<DatabaseHandle | PostgresTestDatabase> {
  if (kind === "pglite") return createDatabase({ memory: true });
  const name = `atelier_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = testDatabaseUrl(name);
  const handle = await createDatabase({ url, maxConnections: options.maxConnections ?? 5 });
  return {
    ...handle,
    name,
    url,
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

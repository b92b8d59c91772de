import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDatabase, type DatabaseHandle } from "./createDatabase.ts";

/** The Postgres that tests and benchmarks make their databases in: `TEST_DATABASE_URL`, or the local one. */
export const TEST_DATABASE_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const adminUrl = TEST_DATABASE_ADMIN_URL;

/**
 * A fresh, migrated database for one test file: a Postgres database with a random name (dropped on close),
 * or in-memory PGlite. Runs side by side never see each other.
 */
export async function createTestDatabase(kind: "postgres" | "pglite"): Promise<DatabaseHandle> {
  if (kind === "pglite") return createDatabase({ memory: true });
  const name = `atelier_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ url: url.toString(), maxConnections: 5 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

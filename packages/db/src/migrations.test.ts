import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "./createDatabase.ts";
import { schema } from "./index.ts";
import { schemaStateOf } from "./migrations.ts";
import { TEST_DATABASE_ADMIN_URL, testDatabaseUrl } from "./testDatabase.ts";

const run = promisify(execFile);

describe("migrations on a shared Postgres", () => {
  const admin = postgres(TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
  const made: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "atelier-migrate-"));

  /** An empty database of its own, dropped after the file. */
  async function emptyDatabase(): Promise<string> {
    const name = `atelier_test_${randomBytes(6).toString("hex")}`;
    await admin.unsafe(`create database ${name}`);
    made.push(name);
    return testDatabaseUrl(name);
  }

  afterAll(async () => {
    for (const name of made) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it("four processes opening an empty database at once all come up on one migrated schema", async () => {
    const url = await emptyDatabase();
    const script = `import { createDatabase, schema } from ${JSON.stringify(join(import.meta.dirname, "index.ts"))};
      const handle = await createDatabase({ url: ${JSON.stringify(url)}, maxConnections: 1, migrate: "auto" });
      await handle.db.select().from(schema.organizations);
      await handle.close();
      console.log("up");`;
    const scriptPath = join(dir, "open.mts");
    writeFileSync(scriptPath, script);
    const tsx = join(import.meta.dirname, "..", "..", "..", "node_modules", ".bin", "tsx");
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(() => run(tsx, [scriptPath], { cwd: import.meta.dirname, timeout: 60_000 })),
    );
    expect(outputs.map((o) => o.stdout.trim())).toEqual(["up", "up", "up", "up"]);

    const client = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const state = await schemaStateOf(client);
      expect(state.pending).toEqual([]);
      // Applied once each, not once per process.
      const [row] = await client`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(row?.n).toBe(state.known.length);
    } finally {
      await client.end();
    }
  });

  it("a process that may not migrate refuses an older schema, naming the migrations and what to run", async () => {
    const url = await emptyDatabase();
    await expect(createDatabase({ url, migrate: "check" })).rejects.toThrow(
      /no Atelier schema yet.*atelier-server migrate.*ATELIER_MIGRATE=auto/s,
    );

    const migrated = await createDatabase({ url });
    const client = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const { known } = await schemaStateOf(client);
      const last = known.at(-1)!;
      // Forget the newest migration, as a database left by the previous release would be.
      await client`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`;
      await expect(createDatabase({ url, migrate: "check" })).rejects.toMatchObject({
        code: "CONFIG_ERROR",
        message: expect.stringContaining(`1 migration(s) not applied (${last})`),
      });
      await client`insert into drizzle.__drizzle_migrations (hash, created_at) values ('restored', ${Date.now()})`;
      const current = await createDatabase({ url, migrate: "check" });
      await current.db.select().from(schema.organizations);
      await current.close();
    } finally {
      await client.end();
      await migrated.close();
    }
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, describe, expect, it } from "vitest";

const drizzleDir = join(dirname(fileURLToPath(import.meta.url)), "..", "drizzle");
const MIGRATION = "0008_org_api_keys_webhooks";

/** The migrations folder as it was before `tag`: the journal cut just before it. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), "atelier-migrations-"));
  cpSync(drizzleDir, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: Array<{ tag: string }> };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe("migration of API keys into organizations", () => {
  const before = migrationsBefore(MIGRATION);
  afterAll(() => rmSync(before, { recursive: true, force: true }));

  it("moves each older key into its person's highest-role organization, and drops keys of people in none", async () => {
    const client = new PGlite();
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: before });
    await client.exec(`
      insert into users (id, email, name, password_hash) values
        ('00000000-0000-4000-8000-000000000001', 'ada@example.com', 'Ada', 'x'),
        ('00000000-0000-4000-8000-000000000002', 'bob@example.com', 'Bob', 'x');
      insert into organizations (id, name, slug) values
        ('00000000-0000-4000-8000-0000000000a1', 'Viewer here', 'a1'),
        ('00000000-0000-4000-8000-0000000000a2', 'Admin here', 'a2');
      insert into memberships (org_id, user_id, role) values
        ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'viewer'),
        ('00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-000000000001', 'admin');
      insert into api_keys (user_id, name, prefix, key_hash, scopes) values
        ('00000000-0000-4000-8000-000000000001', 'ada-cli', 'atl_a', 'hash-a', '{read,write}'),
        ('00000000-0000-4000-8000-000000000002', 'bob-cli', 'atl_b', 'hash-b', '{read}');
    `);
    await migrate(db, { migrationsFolder: drizzleDir });
    const { rows } = await client.query<{ name: string; org_id: string }>(
      "select name, org_id from api_keys order by name",
    );
    expect(rows).toEqual([{ name: "ada-cli", org_id: "00000000-0000-4000-8000-0000000000a2" }]);
    await client.close();
  }, 240_000);
});

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "./createDatabase.ts";
import { eq, schema } from "./index.ts";
import { createTestDatabase } from "./testDatabase.ts";

describe.each(["pglite", "postgres"] as const)("the schema on %s", (kind) => {
  it("migrates and keeps an organization with its members", async () => {
    const handle = await createTestDatabase(kind);
    try {
      const { db } = handle;
      const [user] = await db
        .insert(schema.users)
        .values({ email: "ada@example.com", name: "Ada", passwordHash: "x" })
        .returning();
      const [org] = await db.insert(schema.organizations).values({ name: "Acme", slug: "acme" }).returning();
      await db.insert(schema.memberships).values({ orgId: org!.id, userId: user!.id, role: "owner" });
      const rows = await db.select().from(schema.memberships).where(eq(schema.memberships.orgId, org!.id));
      expect(rows).toEqual([expect.objectContaining({ userId: user!.id, role: "owner" })]);
      await expect(
        db.insert(schema.users).values({ email: "ada@example.com", name: "Twin", passwordHash: "y" }),
      ).rejects.toThrow();
    } finally {
      await handle.close();
    }
  });
});

describe("the embedded data folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "atelier-db-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps data across restarts and refuses a second process while open", async () => {
    const first = await createDatabase({ dataDir: dir });
    await first.db.insert(schema.organizations).values({ name: "Kept", slug: "kept" });

    const script = `import { createDatabase } from ${JSON.stringify(join(import.meta.dirname, "createDatabase.ts"))};
      try { await createDatabase({ dataDir: ${JSON.stringify(dir)} }); console.log("opened"); }
      catch (e) { console.log(e.code + ": " + e.message); }`;
    const scriptPath = join(dir, "second-process.mts");
    writeFileSync(scriptPath, script);
    const { stdout } = await promisify(execFile)("npx", ["tsx", scriptPath], { cwd: import.meta.dirname });
    expect(stdout).toMatch(/CONFIG_ERROR: The data folder .* is in use by another Atelier process/);

    await first.close();
    const again = await createDatabase({ dataDir: dir });
    const orgs = await again.db.select().from(schema.organizations);
    expect(orgs.map((o) => o.slug)).toEqual(["kept"]);
    await again.close();
  });
});

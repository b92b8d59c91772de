import { createDatabase, migrateDatabase } from "@atelier/db";
import { createLogger, isAppError } from "@atelier/shared";
import { loadMigrateConfig } from "./env.ts";

/**
 * `atelier-server migrate`: brings the database to this release's schema under Postgres' advisory
 * lock (any number may run at once), then exits. Servers on Postgres refuse an older schema unless
 * ATELIER_MIGRATE=auto, so a deployment runs this once before rolling out.
 */
export async function runMigrate(): Promise<void> {
  const log = createLogger("migrate");
  try {
    const config = loadMigrateConfig();
    if (config.databaseUrl) {
      const applied = await migrateDatabase(config.databaseUrl);
      log.info({ applied }, applied.length ? "migrations applied" : "the schema was already up to date");
    } else {
      // Embedded PGlite migrates whenever it opens; opening it here is the whole job.
      const database = await createDatabase({ dataDir: config.dataDir });
      await database.close();
      log.info({ dataDir: config.dataDir }, "embedded database up to date");
    }
    process.exit(0);
  } catch (err) {
    process.stderr.write(`\n${isAppError(err) ? err.message : String((err as Error)?.stack ?? err)}\n\n`);
    process.exit(1);
  }
}

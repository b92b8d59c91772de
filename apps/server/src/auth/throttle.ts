import { AppError } from "@atelier/shared";
import { type Database, eq, schema, sql } from "@atelier/db";

/** Failures allowed before each further one locks the key, for twice as long as the last time. */
const FREE_FAILURES = 5;
const BASE_LOCK_MS = 1000;
const MAX_LOCK_MS = 15 * 60 * 1000;

/** "1 second", "40 seconds", "1 minute", "15 minutes": how long to wait, as a person says it. */
export function waitOf(seconds: number): string {
  const [n, unit] = seconds < 60 ? [seconds, "second"] : [Math.ceil(seconds / 60), "minute"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

export async function assertNotThrottled(db: Database, keys: string[]): Promise<void> {
  for (const key of keys) {
    const [row] = await db.select().from(schema.loginThrottle).where(eq(schema.loginThrottle.key, key));
    if (row?.lockedUntil && row.lockedUntil.getTime() > Date.now()) {
      const retryAfterSec = Math.ceil((row.lockedUntil.getTime() - Date.now()) / 1000);
      throw new AppError(
        "RATE_LIMITED",
        `Too many failed sign-in attempts. Try again in ${waitOf(retryAfterSec)}.`,
        { retryAfterSec },
      );
    }
  }
}

export async function recordFailure(db: Database, keys: string[]): Promise<void> {
  for (const key of keys) {
    const [row] = await db
      .insert(schema.loginThrottle)
      .values({ key, failures: 1 })
      .onConflictDoUpdate({
        target: schema.loginThrottle.key,
        set: { failures: sql`${schema.loginThrottle.failures} + 1`, updatedAt: sql`now()` },
      })
      .returning();
    const over = (row?.failures ?? 0) - FREE_FAILURES;
    if (over > 0) {
      const lockMs = Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (over - 1));
      await db
        .update(schema.loginThrottle)
        .set({ lockedUntil: new Date(Date.now() + lockMs) })
        .where(eq(schema.loginThrottle.key, key));
    }
  }
}

export async function clearFailures(db: Database, keys: string[]): Promise<void> {
  for (const key of keys) await db.delete(schema.loginThrottle).where(eq(schema.loginThrottle.key, key));
}

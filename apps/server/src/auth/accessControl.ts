import type { AccessChange, JobBus } from "@atelier/bus";
import { and, type Database, eq, schema } from "@atelier/db";
import type { Logger } from "@atelier/shared";
import { AccessWatch } from "./AccessWatch.ts";
import { DEFAULT_PRINCIPAL_CACHE, PrincipalCache, type PrincipalCacheOptions } from "./PrincipalCache.ts";

export interface AccessControl {
  principals: PrincipalCache;
  watch: AccessWatch;
  /**
   * Applies an access change on this instance at once (cache and live subscriptions) and tells every
   * other instance through the bus. Call it after the change is committed.
   */
  announce(change: AccessChange): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Who may call, kept current on every server instance: principals cached per credential, live
 * subscriptions watched, both corrected by access changes from the bus within a second and by a
 * sweep every `cache.ttlMs` in case a change was lost.
 */
export async function startAccessControl(options: {
  db: Database;
  bus: JobBus;
  log: Logger;
  cache?: PrincipalCacheOptions;
}): Promise<AccessControl> {
  const { db, bus, log } = options;
  const cache = options.cache ?? DEFAULT_PRINCIPAL_CACHE;
  const principals = new PrincipalCache(db, cache);
  const isMember = async (userId: string, orgId: string) => {
    const [row] = await db
      .select({ role: schema.memberships.role })
      .from(schema.memberships)
      .where(and(eq(schema.memberships.orgId, orgId), eq(schema.memberships.userId, userId)));
    return row !== undefined;
  };
  const watch = new AccessWatch(principals, isMember);
  const apply = async (change: AccessChange) => {
    principals.forget(change);
    await watch.apply(change);
  };
  const unsubscribe = await bus.onAccessChange((change) => {
    apply(change).catch((err: unknown) => log.error({ err, change }, "could not apply an access change"));
  });
  const sweeping = setInterval(() => {
    if (watch.size === 0) return;
    watch.sweep().catch((err: unknown) => log.warn({ err }, "access sweep failed; retrying next time"));
  }, cache.ttlMs);
  sweeping.unref();
  return {
    principals,
    watch,
    announce: async (change) => {
      await apply(change);
      try {
        await bus.publishAccessChange(change);
      } catch (err) {
        // Other instances still catch up: their caches expire and their sweep re-checks.
        log.error({ err, change }, "could not tell other instances about an access change");
      }
    },
    stop: async () => {
      clearInterval(sweeping);
      unsubscribe();
    },
  };
}

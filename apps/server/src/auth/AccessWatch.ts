import type { AccessChange } from "@atelier/bus";
import { AppError } from "@atelier/shared";
import { apiKeyExpired } from "./apiKeys.ts";
import type { Credential, Principal } from "./authenticate.ts";
import { endsPrincipal, type PrincipalCache } from "./PrincipalCache.ts";

/**
 * What a live subscription stands on: the credential it was opened with and the organization it
 * reads (none for a person's own stream, which only a sign-out or a revoked key ends).
 */
export interface WatchedAccess {
  credential: Credential;
  principal: Principal;
  orgId?: string;
}

export interface AccessLease {
  /** Aborts when the access ends, or when `until` (the subscription's own signal) aborts. */
  signal: AbortSignal;
  /** Why the access ended, or null while it holds (or when only `until` aborted). */
  reason(): AppError | null;
  stop(): void;
}

interface Watch extends WatchedAccess {
  end(reason: AppError): void;
}

/** setTimeout's longest delay; a key expiring later is caught by the sweep (which re-resolves every TTL). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const signedOut = () =>
  new AppError("UNAUTHORIZED", "Your session ended or your API key was revoked; sign in again.");
const removed = () => new AppError("NOT_FOUND", "You are no longer a member of this project's organization.");

/**
 * Keeps every live subscription honest: an access change (from this instance or, through the bus,
 * from another) ends the subscriptions it no longer allows at once, and a periodic sweep re-checks
 * the rest, in case a change was lost with the bus's data.
 */
export class AccessWatch {
  private readonly watches = new Set<Watch>();

  constructor(
    private readonly principals: PrincipalCache,
    private readonly isMember: (userId: string, orgId: string) => Promise<boolean>,
  ) {}

  get size(): number {
    return this.watches.size;
  }

  lease(access: WatchedAccess, until: AbortSignal): AccessLease {
    const controller = new AbortController();
    let ended: AppError | null = null;
    const watch: Watch = {
      ...access,
      end: (reason) => {
        ended ??= reason;
        stop();
      },
    };
    // An expiring key ends its subscriptions at its expiry, not at the next sweep.
    const { principal } = access;
    const expiresAt = principal.kind === "apiKey" ? principal.expiresAt : null;
    const left = expiresAt ? Math.max(0, expiresAt.getTime() - Date.now()) : Number.POSITIVE_INFINITY;
    let expiry: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(expiry);
      this.watches.delete(watch);
      until.removeEventListener("abort", stop);
      controller.abort();
    };
    if (until.aborted) controller.abort();
    else {
      until.addEventListener("abort", stop, { once: true });
      this.watches.add(watch);
      if (expiresAt && principal.kind === "apiKey" && left <= MAX_TIMER_MS) {
        expiry = setTimeout(() => watch.end(apiKeyExpired(principal.apiKeyId, expiresAt)), left);
        expiry.unref();
      }
    }
    return { signal: controller.signal, reason: () => ended, stop };
  }

  async apply(change: AccessChange): Promise<void> {
    if (change.kind !== "membership.changed") {
      for (const watch of [...this.watches])
        if (endsPrincipal(change, watch.principal)) watch.end(signedOut());
      return;
    }
    const affected = [...this.watches].filter(
      (w) => w.principal.user.id === change.userId && w.orgId === change.orgId,
    );
    if (affected.length > 0 && !(await this.isMember(change.userId, change.orgId))) {
      for (const watch of affected) watch.end(removed());
    }
  }

  /** Re-checks every watched credential and membership, each distinct one once. */
  async sweep(): Promise<void> {
    const principals = new Map<Credential, Promise<Principal | null>>();
    const memberships = new Map<string, Promise<boolean>>();
    const once = <K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> => {
      const known = cache.get(key);
      if (known) return known;
      const loading = load();
      cache.set(key, loading);
      return loading;
    };
    await Promise.all(
      [...this.watches].map(async (watch) => {
        const { credential, orgId } = watch;
        const userId = watch.principal.user.id;
        let principal: Principal | null;
        try {
          principal = await once(principals, credential, () => this.principals.resolve(credential));
        } catch (err) {
          if (err instanceof AppError && err.code === "API_KEY_EXPIRED") return watch.end(err);
          throw err;
        }
        if (!principal) return watch.end(signedOut());
        if (orgId === undefined) return;
        if (!(await once(memberships, `${userId}:${orgId}`, () => this.isMember(userId, orgId))))
          watch.end(removed());
      }),
    );
  }
}

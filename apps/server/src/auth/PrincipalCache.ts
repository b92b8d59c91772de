import type { AccessChange } from "@atelier/bus";
import type { Database } from "@atelier/db";
import { type Credential, lookupPrincipal, type Principal } from "./authenticate.ts";
import { apiKeyExpired } from "./apiKeys.ts";
import { hashToken } from "./sessions.ts";

interface Entry {
  principal: Principal;
  cachedAt: number;
}

export interface PrincipalCacheOptions {
  /** How long a looked-up principal is trusted without asking the database; access changes drop it sooner. */
  ttlMs: number;
  /** Most principals kept; the oldest goes first. */
  maxEntries: number;
}

export const DEFAULT_PRINCIPAL_CACHE: PrincipalCacheOptions = { ttlMs: 30_000, maxEntries: 10_000 };

/**
 * The principal behind each credential, looked up once and then answered from memory until its TTL
 * or an access change (`forget`). Every call, HTTP or on an open WebSocket, resolves through this,
 * so a sign-out or a revoked key stops the very next call. Only valid credentials are kept, so
 * random tokens cannot fill it.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every `forget`: a lookup that started before a change must not store its answer. */
  private generation = 0;

  constructor(
    private readonly db: Database,
    private readonly options: PrincipalCacheOptions = DEFAULT_PRINCIPAL_CACHE,
  ) {}

  /** Null for no credential or one that does not hold; throws API_KEY_EXPIRED for an expired key. */
  async resolve(credential: Credential | null): Promise<Principal | null> {
    if (!credential) return null;
    const key = cacheKey(credential);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.cachedAt < this.options.ttlMs && !sessionExpired(hit.principal, now)) {
      const { principal } = hit;
      // An expiring key is refused at its expiry, not at the end of its cache entry.
      if (principal.kind === "apiKey" && principal.expiresAt && principal.expiresAt.getTime() <= now) {
        this.entries.delete(key);
        throw apiKeyExpired(principal.apiKeyId, principal.expiresAt);
      }
      return principal;
    }
    const generation = this.generation;
    const principal = await lookupPrincipal(this.db, credential);
    this.entries.delete(key);
    if (principal && generation === this.generation) {
      if (this.entries.size >= this.options.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      this.entries.set(key, { principal, cachedAt: now });
    }
    return principal;
  }

  /** Drops every principal an access change ends. Membership changes end none: memberships are read per call. */
  forget(change: AccessChange): void {
    this.generation += 1;
    for (const [key, { principal }] of this.entries) {
      if (endsPrincipal(change, principal)) this.entries.delete(key);
    }
  }
}

export function endsPrincipal(change: AccessChange, principal: Principal): boolean {
  if (change.kind === "session.ended")
    return principal.kind === "session" && principal.session.id === change.sessionId;
  if (change.kind === "apiKey.revoked")
    return principal.kind === "apiKey" && principal.apiKeyId === change.apiKeyId;
  return false;
}

function cacheKey(credential: Credential): string {
  return credential.kind === "session"
    ? `s:${hashToken(credential.token)}`
    : `k:${hashToken(credential.key)}`;
}

function sessionExpired(principal: Principal, now: number): boolean {
  return principal.kind === "session" && principal.session.expiresAt.getTime() <= now;
}

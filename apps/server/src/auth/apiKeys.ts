import { randomBytes } from "node:crypto";
import { and, type Database, eq, isNull, schema } from "@atelier/db";
import { AppError, type UserView } from "@atelier/shared";
import { hashToken } from "./sessions.ts";

export type ApiKeyScope = "read" | "write" | "admin";

/** `atl_` + 32 random bytes; the first 12 characters are kept in clear so people can tell keys apart. */
export function generateApiKey(): { key: string; prefix: string; keyHash: string } {
  const key = `atl_${randomBytes(32).toString("base64url")}`;
  return { key, prefix: key.slice(0, 12), keyHash: hashToken(key) };
}

export interface ValidApiKey {
  /** The admin who made the key: it acts with at most their current role in `orgId`. */
  user: UserView;
  orgId: string;
  scopes: ApiKeyScope[];
  apiKeyId: string;
  expiresAt: Date | null;
}

export function apiKeyExpired(apiKeyId: string, expiresAt: Date): AppError {
  return new AppError(
    "API_KEY_EXPIRED",
    `This API key expired at ${expiresAt.toISOString()}; ask an admin of its organization for a new one.`,
    { apiKeyId, expiresAt: expiresAt.toISOString() },
  );
}

/**
 * The key's holder, or null for an unknown or revoked key. An expired key is refused with
 * API_KEY_EXPIRED (not null), so its holder learns why rather than "sign in".
 */
export async function validateApiKey(db: Database, key: string): Promise<ValidApiKey | null> {
  const [row] = await db
    .select({ apiKey: schema.apiKeys, user: schema.users })
    .from(schema.apiKeys)
    .innerJoin(schema.users, eq(schema.apiKeys.userId, schema.users.id))
    .where(and(eq(schema.apiKeys.keyHash, hashToken(key)), isNull(schema.apiKeys.revokedAt)));
  if (!row) return null;
  const { expiresAt } = row.apiKey;
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw apiKeyExpired(row.apiKey.id, expiresAt);
  await db.update(schema.apiKeys).set({ lastUsedAt: new Date() }).where(eq(schema.apiKeys.id, row.apiKey.id));
  return {
    user: { id: row.user.id, email: row.user.email, name: row.user.name, isOperator: row.user.isOperator },
    orgId: row.apiKey.orgId,
    scopes: row.apiKey.scopes as ApiKeyScope[],
    apiKeyId: row.apiKey.id,
    expiresAt,
  };
}

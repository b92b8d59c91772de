import { randomBytes } from "node:crypto";
import { and, type Database, eq, isNull, schema } from "@atelier/db";
import type { UserView } from "@atelier/shared";
import { hashToken } from "./sessions.ts";

export type ApiKeyScope = "read" | "write" | "admin";

/** `atl_` + 32 random bytes; the first 12 characters are kept in clear so people can tell keys apart. */
export function generateApiKey(): { key: string; prefix: string; keyHash: string } {
  const key = `atl_${randomBytes(32).toString("base64url")}`;
  return { key, prefix: key.slice(0, 12), keyHash: hashToken(key) };
}

export async function validateApiKey(
  db: Database,
  key: string,
): Promise<{ user: UserView; scopes: ApiKeyScope[]; apiKeyId: string } | null> {
  const [row] = await db
    .select({ apiKey: schema.apiKeys, user: schema.users })
    .from(schema.apiKeys)
    .innerJoin(schema.users, eq(schema.apiKeys.userId, schema.users.id))
    .where(and(eq(schema.apiKeys.keyHash, hashToken(key)), isNull(schema.apiKeys.revokedAt)));
  if (!row) return null;
  await db.update(schema.apiKeys).set({ lastUsedAt: new Date() }).where(eq(schema.apiKeys.id, row.apiKey.id));
  return {
    user: { id: row.user.id, email: row.user.email, name: row.user.name, isOperator: row.user.isOperator },
    scopes: row.apiKey.scopes as ApiKeyScope[],
    apiKeyId: row.apiKey.id,
  };
}

import { and, asc, type Database, desc, eq, inArray, isNull, schema } from "@atelier/db";
import { AppError, type OrgApiKeyView } from "@atelier/shared";
import type { Principal } from "./authenticate.ts";
import { type ApiKeyScope, generateApiKey } from "./apiKeys.ts";

/**
 * Creating, listing and revoking an organization's API keys: what `apiKeys.*` (and the older
 * `auth.*ApiKey` procedures) call. Callers check the admin role first.
 */

export async function createOrgApiKey(
  db: Database,
  principal: Principal,
  input: { orgId: string; name: string; scopes: ApiKeyScope[]; expiresAt?: string | null },
): Promise<OrgApiKeyView & { key: string }> {
  // A leaked key must not mint more keys: only a person, signed in, makes them.
  if (principal.kind === "apiKey")
    throw new AppError("FORBIDDEN", "Create API keys from a signed-in session, not with another key.");
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now())
    throw new AppError(
      "VALIDATION_ERROR",
      "Pick an expiry in the future, or none for a key that never expires.",
    );
  const { key, prefix, keyHash } = generateApiKey();
  const [row] = await db
    .insert(schema.apiKeys)
    .values({
      orgId: input.orgId,
      userId: principal.user.id,
      name: input.name,
      prefix,
      keyHash,
      scopes: input.scopes,
      expiresAt,
    })
    .returning();
  // The key itself is in this answer only: it is stored as a hash.
  return { ...viewOf(row!, { id: principal.user.id, name: principal.user.name }), key };
}

export async function listOrgApiKeys(db: Database, orgIds: string[]): Promise<OrgApiKeyView[]> {
  if (orgIds.length === 0) return [];
  const rows = await db
    .select({ key: schema.apiKeys, maker: { id: schema.users.id, name: schema.users.name } })
    .from(schema.apiKeys)
    .innerJoin(schema.users, eq(schema.users.id, schema.apiKeys.userId))
    .where(and(inArray(schema.apiKeys.orgId, orgIds), isNull(schema.apiKeys.revokedAt)))
    .orderBy(desc(schema.apiKeys.createdAt), asc(schema.apiKeys.id));
  return rows.map((r) => viewOf(r.key, r.maker));
}

/** Revokes a live key of the organization; the id of what was revoked, or NOT_FOUND. */
export async function revokeOrgApiKey(db: Database, orgId: string, apiKeyId: string): Promise<string> {
  const [row] = await db
    .update(schema.apiKeys)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(schema.apiKeys.id, apiKeyId), eq(schema.apiKeys.orgId, orgId), isNull(schema.apiKeys.revokedAt)),
    )
    .returning({ id: schema.apiKeys.id });
  if (!row) throw new AppError("NOT_FOUND", "No active API key of this organization with that id.");
  return row.id;
}

function viewOf(row: typeof schema.apiKeys.$inferSelect, maker: { id: string; name: string }): OrgApiKeyView {
  const expired = row.expiresAt !== null && row.expiresAt.getTime() <= Date.now();
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdBy: maker,
    status: expired ? "expired" : "active",
  };
}

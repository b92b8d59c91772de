import { type Executor, eq, schema, sql } from "@atelier/db";
import { generateWebhookSecret, type SigningSecrets } from "./signing.ts";

/** The organization's secret for per-job webhook URLs, made on first need. */
export async function jobWebhookSecrets(db: Executor, orgId: string): Promise<SigningSecrets> {
  await db
    .insert(schema.jobWebhookSecrets)
    .values({ orgId, secret: generateWebhookSecret() })
    .onConflictDoNothing();
  const [row] = await db
    .select()
    .from(schema.jobWebhookSecrets)
    .where(eq(schema.jobWebhookSecrets.orgId, orgId));
  return row!;
}

/**
 * A new current secret; the old one keeps signing for `overlapMs` (0: retired at once). For an
 * endpoint, or (no `endpointId`) the organization's per-job secret. Null when the endpoint is not the
 * organization's.
 */
export async function rotateSecret(
  db: Executor,
  target: { orgId: string; endpointId?: string },
  overlapMs: number,
): Promise<{ secret: string; previousUntil: Date | null } | null> {
  const secret = generateWebhookSecret();
  const until = overlapMs > 0 ? new Date(Date.now() + overlapMs) : null;
  const table = target.endpointId ? schema.webhookEndpoints : schema.jobWebhookSecrets;
  if (!target.endpointId) await jobWebhookSecrets(db, target.orgId);
  const where = target.endpointId
    ? sql`${schema.webhookEndpoints.id} = ${target.endpointId} and ${schema.webhookEndpoints.orgId} = ${target.orgId}`
    : sql`${schema.jobWebhookSecrets.orgId} = ${target.orgId}`;
  const [row] = await db
    .update(table)
    .set({
      secret,
      previousSecret: until ? sql`${table.secret}` : null,
      previousUntil: until,
      updatedAt: new Date(),
    })
    .where(where)
    .returning({ secret: table.secret });
  return row ? { secret: row.secret, previousUntil: until } : null;
}

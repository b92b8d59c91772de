import { and, asc, desc, eq, inArray, schema, sql } from "@atelier/db";
import {
  checkWebhookUrl,
  DEFAULT_WEBHOOK_RETRY_WINDOW_MS,
  generateWebhookSecret,
  jobWebhookSecrets,
  rotateSecret,
} from "@atelier/jobs";
import {
  AppError,
  createWebhookInput,
  rotateWebhookSecretInput,
  updateWebhookInput,
  type WebhookDeliveryView,
  type WebhookEndpointView,
  type WebhookEventType,
  webhookDeliveriesInput,
  webhookDeliveryInput,
  webhookEndpointInput,
} from "@atelier/shared";
import { z } from "zod";
import { orgProcedure } from "../access.ts";
import type { Services } from "../services.ts";
import { router } from "../trpc.ts";

const { webhookEndpoints, webhookDeliveries, webhookAttempts } = schema;
type EndpointRow = typeof webhookEndpoints.$inferSelect;

const noEndpoint = () => new AppError("NOT_FOUND", "No webhook endpoint with that id in this organization.");

function endpointView(row: EndpointRow): WebhookEndpointView {
  const overlapping = row.previousUntil && row.previousUntil.getTime() > Date.now();
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes as WebhookEventType[],
    enabled: row.disabledAt === null,
    createdAt: row.createdAt.toISOString(),
    previousSecretUntil: overlapping ? row.previousUntil!.toISOString() : null,
  };
}

async function endpointOf(services: Services, orgId: string, endpointId: string): Promise<EndpointRow> {
  const [row] = await services.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.orgId, orgId)));
  if (!row) throw noEndpoint();
  return row;
}

/**
 * An organization's outgoing webhooks (Standard Webhooks): endpoints and the event types they take,
 * their secrets (rotated with an overlap), the delivery log and replays. Admins only: endpoints and
 * secrets are configuration, and the log carries what the organization's jobs did.
 */
export const webhooksRouter = router({
  create: orgProcedure("admin")
    .input(createWebhookInput)
    .mutation(async ({ ctx, input }) => {
      await checkWebhookUrl(input.url, ctx.services.config.webhooks);
      const secret = generateWebhookSecret();
      const [row] = await ctx.services.db
        .insert(webhookEndpoints)
        .values({
          orgId: ctx.access.orgId,
          url: input.url,
          description: input.description,
          eventTypes: input.eventTypes,
          secret,
          createdBy: ctx.principal.user.id,
        })
        .returning();
      return { ...endpointView(row!), secret };
    }),

  list: orgProcedure("admin").query(async ({ ctx }) => {
    const rows = await ctx.services.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.orgId, ctx.access.orgId))
      .orderBy(asc(webhookEndpoints.createdAt));
    return rows.map(endpointView);
  }),

  update: orgProcedure("admin")
    .input(updateWebhookInput)
    .mutation(async ({ ctx, input }) => {
      await endpointOf(ctx.services, ctx.access.orgId, input.endpointId);
      if (input.url !== undefined) await checkWebhookUrl(input.url, ctx.services.config.webhooks);
      const [row] = await ctx.services.db
        .update(webhookEndpoints)
        .set({
          ...(input.url !== undefined ? { url: input.url } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.eventTypes !== undefined ? { eventTypes: input.eventTypes } : {}),
          ...(input.enabled !== undefined ? { disabledAt: input.enabled ? null : new Date() } : {}),
          updatedAt: new Date(),
        })
        .where(and(eq(webhookEndpoints.id, input.endpointId), eq(webhookEndpoints.orgId, ctx.access.orgId)))
        .returning();
      if (!row) throw noEndpoint();
      return endpointView(row);
    }),

  /** Deletes the endpoint and its delivery log; pending deliveries to it are dropped. */
  delete: orgProcedure("admin")
    .input(webhookEndpointInput)
    .mutation(async ({ ctx, input }) => {
      const [row] = await ctx.services.db
        .delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.id, input.endpointId), eq(webhookEndpoints.orgId, ctx.access.orgId)))
        .returning({ id: webhookEndpoints.id });
      if (!row) throw noEndpoint();
      return { ok: true };
    }),

  /** The current signing secret of an endpoint, or (no `endpointId`) of the organization's per-job URLs. */
  secret: orgProcedure("admin")
    .input(z.object({ endpointId: z.uuid().optional() }))
    .query(async ({ ctx, input }) => {
      const { orgId } = ctx.access;
      const row = input.endpointId
        ? await endpointOf(ctx.services, orgId, input.endpointId)
        : await jobWebhookSecrets(ctx.services.db, orgId);
      const overlapping = row.previousUntil && row.previousUntil.getTime() > Date.now();
      return {
        secret: row.secret,
        previousSecretUntil: overlapping ? row.previousUntil!.toISOString() : null,
      };
    }),

  /**
   * A new secret. During the overlap every delivery carries two signatures (new and old) in
   * `webhook-signature`, so receivers can switch to the new secret without missing one.
   */
  rotateSecret: orgProcedure("admin")
    .input(rotateWebhookSecretInput)
    .mutation(async ({ ctx, input }) => {
      const rotated = await rotateSecret(
        ctx.services.db,
        { orgId: ctx.access.orgId, endpointId: input.endpointId },
        Math.round(input.overlapHours * 3_600_000),
      );
      if (!rotated) throw noEndpoint();
      return { secret: rotated.secret, previousSecretUntil: rotated.previousUntil?.toISOString() ?? null };
    }),

  /** The delivery log, newest first, each with every attempt's response code and duration. */
  deliveries: orgProcedure("admin")
    .input(webhookDeliveriesInput)
    .query(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const rows = await db
        .select()
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.orgId, ctx.access.orgId),
            input.endpointId ? eq(webhookDeliveries.endpointId, input.endpointId) : sql`true`,
          ),
        )
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(input.limit);
      const attempts = rows.length
        ? await db
            .select()
            .from(webhookAttempts)
            .where(
              inArray(
                webhookAttempts.deliveryId,
                rows.map((r) => r.id),
              ),
            )
            .orderBy(asc(webhookAttempts.attempt))
        : [];
      return rows.map(
        (r): WebhookDeliveryView => ({
          id: r.id,
          endpointId: r.endpointId,
          url: r.url,
          eventType: r.eventType,
          messageId: r.messageId,
          status: r.status as WebhookDeliveryView["status"],
          attempts: r.attempts,
          nextAttemptAt: r.status === "pending" ? r.nextAttemptAt.toISOString() : null,
          lastStatusCode: r.lastStatusCode,
          lastError: r.lastError,
          lastDurationMs: r.lastDurationMs,
          createdAt: r.createdAt.toISOString(),
          finishedAt: r.finishedAt?.toISOString() ?? null,
          replayOf: r.replayOf,
          log: attempts
            .filter((a) => a.deliveryId === r.id)
            .map((a) => ({
              attempt: a.attempt,
              at: a.at.toISOString(),
              statusCode: a.statusCode,
              error: a.error,
              durationMs: a.durationMs,
            })),
        }),
      );
    }),

  /**
   * Sends a delivery's message again, as a new delivery with the same `webhook-id` (receivers that
   * already handled it can tell), to the endpoint's current URL, signed with its current secrets.
   */
  replay: orgProcedure("admin")
    .input(webhookDeliveryInput)
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const [original] = await db
        .select({ delivery: webhookDeliveries, endpointUrl: webhookEndpoints.url })
        .from(webhookDeliveries)
        .leftJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(
          and(eq(webhookDeliveries.id, input.deliveryId), eq(webhookDeliveries.orgId, ctx.access.orgId)),
        );
      if (!original)
        throw new AppError("NOT_FOUND", "No webhook delivery with that id in this organization.");
      const d = original.delivery;
      const [row] = await db
        .insert(webhookDeliveries)
        .values({
          orgId: d.orgId,
          endpointId: d.endpointId,
          jobId: d.jobId,
          url: original.endpointUrl ?? d.url,
          eventType: d.eventType,
          messageId: d.messageId,
          payload: d.payload,
          giveUpAt: new Date(Date.now() + DEFAULT_WEBHOOK_RETRY_WINDOW_MS),
          replayOf: d.id,
        })
        .returning({ id: webhookDeliveries.id });
      ctx.services.webhooks.kick();
      return { deliveryId: row!.id };
    }),
});

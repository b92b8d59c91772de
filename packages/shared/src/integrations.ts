import { z } from "zod";
import { id } from "./ids.ts";

/** Inputs and views of organization API keys and outgoing webhooks. */

export const apiKeyScopes = ["read", "write", "admin"] as const;
const scopes = z
  .array(z.enum(apiKeyScopes))
  .min(1, { message: "Give the key at least one scope." })
  .max(3)
  .transform((s) => [...new Set(s)]);

export const createOrgApiKeyInput = z.object({
  orgId: id,
  name: z.string().trim().min(1, { message: "Name the key, so people can tell it apart." }).max(100),
  scopes: scopes.default(["read", "write"]),
  /** When the key stops working; null or absent for never. Must be in the future. */
  expiresAt: z.iso.datetime({ offset: true, message: "Give the expiry as an ISO date and time." }).nullish(),
});
export const orgApiKeyInput = z.object({ orgId: id, apiKeyId: id });

export interface OrgApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdBy: { id: string; name: string };
  status: "active" | "expired";
}

/** The events an endpoint can subscribe to; a job's own webhook gets the job ones. */
export const WEBHOOK_EVENT_TYPES = [
  "job.succeeded",
  "job.failed",
  "job.cancelled",
  "asset.ready",
  "asset.rejected",
] as const;
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;
export const JOB_WEBHOOK_EVENT_TYPES = ["job.succeeded", "job.failed", "job.cancelled"] as const;

/** http(s) only, no credentials in it; where it points is checked by the server (no private addresses). */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, message: "Give the webhook an http:// or https:// URL." })
  .max(2000)
  .refine((u) => !new URL(u).username && !new URL(u).password, {
    message: "Put no user name or password in the webhook URL; verify our signature instead.",
  });

const eventTypes = z
  .array(webhookEventTypeSchema)
  .min(1, { message: "Pick at least one event type." })
  .max(WEBHOOK_EVENT_TYPES.length, { message: "Name each event type once." })
  .transform((t) => [...new Set(t)]);

export const createWebhookInput = z.object({
  orgId: id,
  url: webhookUrlSchema,
  description: z.string().trim().max(200).default(""),
  eventTypes,
});
export const webhookEndpointInput = z.object({ orgId: id, endpointId: id });
export const updateWebhookInput = webhookEndpointInput.extend({
  url: webhookUrlSchema.optional(),
  description: z.string().trim().max(200).optional(),
  eventTypes: eventTypes.optional(),
  enabled: z.boolean().optional(),
});
/** A new secret; the old one keeps signing too for `overlapHours` (0 retires it at once). */
export const rotateWebhookSecretInput = z.object({
  orgId: id,
  /** Absent: the secret of the organization's per-job webhook URLs. */
  endpointId: id.optional(),
  overlapHours: z.number().min(0).max(168).default(24),
});
export const webhookDeliveriesInput = z.object({
  orgId: id,
  endpointId: id.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export const webhookDeliveryInput = z.object({ orgId: id, deliveryId: id });

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
  createdAt: string;
  /** While an old secret still signs (after a rotation), until when. */
  previousSecretUntil: string | null;
}

export interface WebhookAttemptView {
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string | null;
  url: string;
  eventType: string;
  messageId: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  createdAt: string;
  finishedAt: string | null;
  replayOf: string | null;
  log: WebhookAttemptView[];
}

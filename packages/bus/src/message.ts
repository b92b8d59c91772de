import { priorityClassSchema } from "@atelier/shared";
import { z } from "zod";
import { MAX_VRAM_MB } from "./tiers.ts";

/** One failed attempt, as kept in a message's history and in a dead letter. */
export const attemptErrorSchema = z.object({
  attempt: z.number().int().min(1),
  code: z.string().min(1),
  message: z.string(),
  at: z.number().int(),
});
export type AttemptError = z.infer<typeof attemptErrorSchema>;

export const busMessageSchema = z.object({
  jobId: z.string().min(1).max(200),
  attempt: z.number().int().min(1),
  priority: priorityClassSchema,
  vramMb: z
    .number()
    .int()
    .min(0)
    .max(MAX_VRAM_MB, { message: `No VRAM tier holds more than ${MAX_VRAM_MB} MiB; split the job.` }),
  projectId: z.string().min(1).max(200),
  /**
   * The organization the job belongs to: claims are fair between organizations within a priority
   * class. Messages without one share a single turn.
   */
  orgId: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, "An organization id uses letters, digits, _ . and -.")
    .optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  /** Errors of earlier attempts, carried along by `retryLater` so a dead letter shows them all. */
  errors: z.array(attemptErrorSchema).optional(),
});
export type BusMessage = z.infer<typeof busMessageSchema>;

export const controlSignalSchema = z.object({ type: z.literal("cancel") });
export type ControlSignal = z.infer<typeof controlSignalSchema>;
export const controlMessageSchema = controlSignalSchema.extend({ jobId: z.string().min(1).max(200) });
export type ControlMessage = z.infer<typeof controlMessageSchema>;

/**
 * A change of who may do what, told to every server instance so each drops what it cached and
 * closes the live subscriptions it no longer allows: a session ended (sign-out), an API key
 * revoked, a person's membership of an organization changed or ended.
 */
export const accessChangeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("session.ended"), sessionId: z.string().min(1).max(200) }),
  z.object({ kind: z.literal("apiKey.revoked"), apiKeyId: z.string().min(1).max(200) }),
  z.object({
    kind: z.literal("membership.changed"),
    orgId: z.string().min(1).max(200),
    userId: z.string().min(1).max(200),
  }),
]);
export type AccessChange = z.infer<typeof accessChangeSchema>;

export const nodeHeartbeatSchema = z.object({
  id: z.string().min(1).max(200),
  totalVramMb: z.number().int().min(0),
  freeVramMb: z.number().int().min(0),
  reservedVramMb: z.number().int().min(0),
  providers: z.array(z.string()),
  models: z.array(z.string()),
  runningJobs: z.array(z.string()),
});
export type NodeHeartbeat = z.infer<typeof nodeHeartbeatSchema>;
export type NodeInfo = NodeHeartbeat & { lastSeenAt: number };

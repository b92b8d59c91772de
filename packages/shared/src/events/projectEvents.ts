import { z } from "zod";
import { assetViewSchema, memberViewSchema, reviewDecisionSchema, roleSchema } from "../api.ts";
import { editOpSchema } from "../editing/editOps.ts";
import { failureSchema } from "../failure.ts";
import { jobOutputViewSchema, jobViewSchema } from "../jobs.ts";

/**
 * The live protocol of a project: every event a project's stream carries, to the web app, the SDK and
 * any client written from the wire. Each event names its `type` and the protocol version `v`; a client
 * that meets a version it does not know should reload rather than guess. Events are validated when they
 * enter the bus, so whatever a subscriber receives matches this schema.
 */
export const PROJECT_EVENTS_VERSION = 1;

/** Emitters may leave `v` out; the bus stores every event with it. */
const v = z.literal(PROJECT_EVENTS_VERSION).default(PROJECT_EVENTS_VERSION);
const jobId = z.string().min(1);
const stepAt = { jobId, index: z.number().int().min(0), step: z.string() };
/** A preview is at most 64 KiB of WebP, so its base64 text stays under this. */
const MAX_PREVIEW_BASE64 = 90_000;

export const jobEventSchema = z.discriminatedUnion("type", [
  /** Submitted, retried, requeued or handed back: the job waits for a node. */
  z.object({ v, type: z.literal("job.queued"), jobId, job: jobViewSchema }),
  z.object({
    v,
    type: z.literal("job.claimed"),
    jobId,
    nodeId: z.string(),
    attempt: z.number().int().min(1),
  }),
  z.object({ v, type: z.literal("job.step.started"), ...stepAt, total: z.number().int().min(1) }),
  z.object({
    v,
    type: z.literal("job.progress"),
    ...stepAt,
    fraction: z.number().min(0).max(1),
    overall: z.number().min(0).max(1),
  }),
  z.object({
    v,
    type: z.literal("job.preview"),
    ...stepAt,
    width: z.number().int().min(1),
    height: z.number().int().min(1),
    webpBase64: z.string().max(MAX_PREVIEW_BASE64),
  }),
  z.object({ v, type: z.literal("job.step.finished"), ...stepAt, ms: z.number().min(0) }),
  z.object({ v, type: z.literal("job.succeeded"), jobId, outputs: z.array(jobOutputViewSchema) }),
  z.object({
    v,
    type: z.literal("job.failed"),
    jobId,
    error: failureSchema,
    attempt: z.number().int().min(1),
  }),
  z.object({ v, type: z.literal("job.cancelled"), jobId }),
  /** Deleted by a person; `undoUntil` is when it can no longer be brought back. */
  z.object({ v, type: z.literal("job.deleted"), jobId, undoUntil: z.string() }),
  z.object({ v, type: z.literal("job.restored"), jobId, job: jobViewSchema }),
  z.object({ v, type: z.literal("job.output.deleted"), jobId, outputId: z.string(), undoUntil: z.string() }),
  z.object({ v, type: z.literal("job.output.restored"), jobId, output: jobOutputViewSchema }),
  /** An attempt failed with a transient error; `attempt` runs again at `at`. */
  z.object({
    v,
    type: z.literal("job.retrying"),
    jobId,
    attempt: z.number().int().min(1),
    at: z.string(),
    error: failureSchema,
  }),
]);

/**
 * Everything a project's durable stream stores (and `appendEvent` accepts). Presence is not here: it
 * has its own short-lived channel (`presenceEvents.ts`).
 */
export const storedProjectEventSchema = z.discriminatedUnion("type", [
  ...jobEventSchema.options,
  z.object({
    v,
    type: z.literal("document.op"),
    assetId: z.string(),
    revision: z.number().int().min(0),
    ops: z.array(editOpSchema),
    /** What undoes it (the ops against the document before it): history names undone edits by it. */
    inverse: z.array(editOpSchema).optional(),
    clientOpId: z.string(),
    userId: z.string(),
    userName: z.string(),
  }),
  z.object({ v, type: z.literal("asset.added"), asset: assetViewSchema }),
  z.object({ v, type: z.literal("asset.ready"), asset: assetViewSchema }),
  z.object({ v, type: z.literal("asset.rejected"), asset: assetViewSchema }),
  /** An admin approved or rejected a held upload: the asset with its new moderation state. */
  z.object({ v, type: z.literal("asset.reviewed"), asset: assetViewSchema, decision: reviewDecisionSchema }),
  /** The same for a job's output. */
  z.object({
    v,
    type: z.literal("output.reviewed"),
    jobId,
    output: jobOutputViewSchema,
    decision: reviewDecisionSchema,
  }),
  z.object({ v, type: z.literal("asset.deleted"), assetId: z.string(), undoUntil: z.string() }),
  z.object({ v, type: z.literal("asset.restored"), asset: assetViewSchema }),
  z.object({ v, type: z.literal("member.joined"), member: memberViewSchema }),
  /**
   * On a person's own stream (`userStreamId`): they were added to an organization, their role there
   * changed, or they were removed (`role` null), so their pages follow without a reload.
   */
  z.object({
    v,
    type: z.literal("membership.changed"),
    change: z.enum(["added", "role", "removed"]),
    orgId: z.string(),
    orgName: z.string(),
    role: roleSchema.nullable(),
    /** The name of whoever made the change. */
    by: z.string(),
  }),
  /**
   * On an organization's own stream (`orgStreamId`): its credits changed (a job reserved or settled,
   * a grant, a purchase), so every open header shows the new balance.
   */
  z.object({
    v,
    type: z.literal("billing.balance"),
    orgId: z.string(),
    credits: z.number().int(),
    reserved: z.number().int(),
  }),
]);

/** Events the server makes for one subscriber; never stored. */
const subscriptionEventSchemas = [
  /** First event of a subscription without `lastEventId`: its id is where a reconnect resumes. */
  z.object({ v, type: z.literal("stream.ready") }),
  /**
   * The subscription resumed from an id the stream no longer holds (trimmed away after a long
   * disconnect, or lost with Redis's data): events were missed, so reload the project's state (assets,
   * jobs, open documents) and go on from this event's id, which the stream continues after.
   */
  z.object({ v, type: z.literal("resync") }),
] as const;

/** What a subscriber of `projects.events` (or `orgs.myEvents`) receives. */
export const projectEventSchema = z.discriminatedUnion("type", [
  ...subscriptionEventSchemas,
  ...storedProjectEventSchema.options,
]);

/** The event stream of one person (not of a project): news about their memberships. */
export const userStreamId = (userId: string) => `user-${userId}`;

/** The event stream of one organization (not of a project): its balance. */
export const orgStreamId = (orgId: string) => `org-${orgId}`;

/** An event as subscribers receive it (always with `v`). */
export type ProjectEvent = z.output<typeof projectEventSchema>;
/** An event as emitters write it (`v` may be left out). */
export type ProjectEventInput = z.input<typeof projectEventSchema>;
export type JobEvent = z.output<typeof jobEventSchema>;
export type JobEventInput = z.input<typeof jobEventSchema>;
export type ProjectEventType = ProjectEvent["type"];
export type StoredProjectEvent = z.output<typeof storedProjectEventSchema>;
export type StoredProjectEventInput = z.input<typeof storedProjectEventSchema>;

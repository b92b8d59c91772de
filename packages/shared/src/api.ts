import { z } from "zod";
import { failureSchema } from "./failure.ts";
import { id } from "./ids.ts";

/** Inputs of every tRPC procedure; the server validates with these, the web app and SDK reuse them. */

export const email = z
  .email({ message: "Enter a valid email address." })
  .max(254)
  .transform((e) => e.trim().toLowerCase());
export const password = z
  .string()
  .min(10, { message: "Use at least 10 characters for the password." })
  .max(256, { message: "Use at most 256 characters for the password." });
export const roleSchema = z.enum(["owner", "admin", "member", "viewer"]);
export type Role = z.infer<typeof roleSchema>;

export const signUpInput = z.object({ email, password, name: z.string().trim().min(1).max(100) });
export const signInInput = z.object({ email, password: z.string().min(1).max(256) });

export const apiKeyScopeSchema = z.enum(["read", "write", "admin"]);
/** `auth.createApiKey`, kept for older clients: `orgId` absent means the first organization the caller administers. */
export const createApiKeyInput = z.object({
  orgId: id.optional(),
  name: z.string().trim().min(1).max(100),
  scopes: z.array(apiKeyScopeSchema).min(1).max(3).default(["read", "write"]),
});
export const revokeApiKeyInput = z.object({ apiKeyId: id });

export const createOrgInput = z.object({ name: z.string().trim().min(1).max(100) });
export const orgInput = z.object({ orgId: id });
export const addMemberInput = z.object({
  orgId: id,
  email,
  role: roleSchema.exclude(["owner"]).default("member"),
});
export const setRoleInput = z.object({ orgId: id, userId: id, role: roleSchema });
export const removeMemberInput = z.object({ orgId: id, userId: id });

export const createProjectInput = z.object({ orgId: id, name: z.string().trim().min(1).max(200) });
export const projectInput = z.object({ projectId: id });
export const projectEventsInput = z.object({ projectId: id, lastEventId: z.string().max(64).nullish() });
/** A person's own events (memberships): resumable like a project's. */
export const myEventsInput = z.object({ lastEventId: z.string().max(64).nullish() });

/** What a browser may declare; the server still checks the bytes. */
export const uploadContentTypes = [
  "image/png",
  "image/jpeg",
  "image/webp",
  "image/gif",
  "image/avif",
] as const;
export const createUploadInput = z.object({
  projectId: id,
  filename: z.string().trim().min(1).max(255),
  contentType: z.string().max(100),
  bytes: z.number().int().nonnegative(),
});
export const assetInput = z.object({ assetId: id });

export interface UserView {
  id: string;
  email: string;
  name: string;
  /** The installation's operator (its first account): sees nodes, queues and dead letters of every organization, edits plans, grants credits. */
  isOperator: boolean;
}
export const orgViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  plan: z.string(),
  /** The caller's role in it. */
  role: roleSchema,
});
export type OrgView = z.infer<typeof orgViewSchema>;
export const memberViewSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
});
export type MemberView = z.infer<typeof memberViewSchema>;
export const projectViewSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  createdAt: z.string(),
});
export type ProjectView = z.infer<typeof projectViewSchema>;
/** Scores per class of the moderation model (NSFWJS), 0..1 each, and the unsafe total it is judged on. */
export const moderationScoresSchema = z.object({
  drawing: z.number(),
  hentai: z.number(),
  neutral: z.number(),
  porn: z.number(),
  sexy: z.number(),
});
export type ModerationScores = z.infer<typeof moderationScoresSchema>;

/**
 * Where an image stands with moderation: `passed` under the organization's threshold, `held` at or over
 * it and waiting for an admin, `approved` or `rejected` by one; `unchecked` when no model scored it.
 */
export const reviewStatusSchema = z.enum(["unchecked", "passed", "held", "approved", "rejected"]);
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;

export const moderationViewSchema = z.object({
  status: reviewStatusSchema,
  scores: moderationScoresSchema.nullable(),
  /** porn + hentai + sexy. */
  unsafe: z.number().nullable(),
  /** The last decision's reason, when an admin decided. */
  reason: z.string().nullable(),
});
export type ModerationView = z.infer<typeof moderationViewSchema>;

/** An admin's decision on a held image, as the audit log and the live event carry it. */
export const reviewDecisionSchema = z.object({
  decision: z.enum(["approved", "rejected"]),
  reason: z.string().min(1).max(500),
  decidedBy: z.string(),
  decidedAt: z.string(),
});
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;

/** Held and rejected images are never handed out: no signed URL, no download, shown blurred. */
export const isWithheld = (status: ReviewStatus) => status === "held" || status === "rejected";

export const assetViewSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  filename: z.string(),
  status: z.enum(["uploading", "ready", "rejected"]),
  mediaType: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  bytes: z.number().nullable(),
  sha256: z.string().nullable(),
  rejection: failureSchema.nullable(),
  /** A short-lived signed URL of the image (ready assets only). */
  url: z.string().nullable(),
  /** A signed URL of a small WebP thumbnail (ready assets only); heavily blurred while withheld. */
  thumbnailUrl: z.string().nullable(),
  moderation: moderationViewSchema,
  /** Who uploaded it: a member may delete their own uploads, an admin anyone's. */
  uploadedBy: z.string().nullable().default(null),
  createdAt: z.string(),
});
export type AssetView = z.infer<typeof assetViewSchema>;

/** Where and how to send an upload's bytes: PUT exactly the declared bytes with these headers (they are signed). */
export const uploadTargetSchema = z.object({
  url: z.string(),
  method: z.literal("PUT"),
  headers: z.record(z.string(), z.string()),
});
/** What `assets.createUpload` answers: the new asset (status "uploading") and where to PUT its bytes. */
export const createUploadOutput = z.object({ asset: assetViewSchema, upload: uploadTargetSchema });

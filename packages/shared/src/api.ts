import { z } from "zod";
import type { EditOp } from "./editing/editOps.ts";
import type { JobEvent } from "./jobs.ts";

/** Inputs of every tRPC procedure; the server validates with these, the web app and SDK reuse them. */

export const id = z.uuid();
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
export const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(apiKeyScopeSchema).min(1).default(["read", "write"]),
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
}
export interface OrgView {
  id: string;
  name: string;
  slug: string;
  plan: string;
  role: Role;
}
export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
}
export interface ProjectView {
  id: string;
  orgId: string;
  name: string;
  createdAt: string;
}
export interface AssetView {
  id: string;
  projectId: string;
  filename: string;
  status: "uploading" | "ready" | "rejected";
  mediaType: string | null;
  width: number | null;
  height: number | null;
  bytes: number | null;
  sha256: string | null;
  rejection: { code: string; message: string } | null;
  /** A short-lived signed URL of the image (ready assets only). */
  url: string | null;
  /** A signed URL of a small WebP thumbnail (ready assets only). */
  thumbnailUrl: string | null;
  createdAt: string;
}

/** Events of a project's live stream (`projects.events`). */
export type ProjectEvent =
  /** First event of a subscription without `lastEventId`: its id is where a reconnect resumes. */
  | { type: "stream.ready" }
  | JobEvent
  | {
      type: "document.op";
      assetId: string;
      revision: number;
      ops: EditOp[];
      clientOpId: string;
      userId: string;
      userName: string;
    }
  | {
      type: "presence";
      userId: string;
      name: string;
      colour: string;
      cursor: { x: number; y: number } | null;
      selectedAssetId: string | null;
      selection: string | null;
      at: string;
    }
  | { type: "presence.left"; userId: string }
  | { type: "asset.added"; asset: AssetView }
  | { type: "asset.ready"; asset: AssetView }
  | { type: "asset.rejected"; asset: AssetView }
  | { type: "member.joined"; member: MemberView };

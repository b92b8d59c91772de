import { defaultOrgRules } from "@atelier/shared";
import { sql } from "drizzle-orm";
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations, users } from "./accounts.ts";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const projects = pgTable(
  "projects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("projects_org_idx").on(t.orgId)],
);

export const assetStatusEnum = pgEnum("asset_status", ["uploading", "ready", "rejected"]);

/** Moderation of an upload or an output: see reviewStatusSchema in packages/shared. */
export const reviewStatusEnum = pgEnum("review_status", [
  "unchecked",
  "passed",
  "held",
  "approved",
  "rejected",
]);
export type AssetStatus = (typeof assetStatusEnum.enumValues)[number];

export const assets = pgTable(
  "assets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    uploadedBy: uuid("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    filename: text("filename").notNull(),
    storageKey: text("storage_key").notNull(),
    /** Declared by the client at createUpload; never trusted, replaced by what the bytes say. */
    declaredType: text("declared_type").notNull(),
    declaredBytes: integer("declared_bytes").notNull(),
    mediaType: text("media_type"),
    width: integer("width"),
    height: integer("height"),
    bytes: integer("bytes"),
    sha256: text("sha256"),
    status: assetStatusEnum("status").notNull().default("uploading"),
    rejectionCode: text("rejection_code"),
    rejectionMessage: text("rejection_message"),
    /** Set when the asset is a job's output rather than an upload. */
    sourceJobId: uuid("source_job_id"),
    /** The moderation model's scores per class and the unsafe total, taken when the upload completed. */
    moderation: jsonb("moderation"),
    reviewStatus: reviewStatusEnum("review_status").notNull().default("unchecked"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** Deleted by a person: hidden at once, undoable until its files are cleaned up. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    /** Every export rendition stored for it (keys are per revision, format and quality), so a purge finds them. */
    exportKeys: text("export_keys").array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [index("assets_project_idx").on(t.projectId, t.createdAt), index("assets_org_idx").on(t.orgId)],
);

/**
 * What is in an asset's original (subject, faces, text), found once by the models and kept: the format
 * gallery, "Adjust crop" and `repurpose` jobs all plan their crops from it. Null analysis: no model here.
 */
export const assetAnalyses = pgTable("asset_analyses", {
  assetId: uuid("asset_id")
    .primaryKey()
    .references(() => assets.id, { onDelete: "cascade" }),
  orgId: uuid("org_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" }),
  analysis: jsonb("analysis"),
  createdAt: createdAt(),
});

/** The current edit document of an asset; renditions are original + document, the original never changes. */
export const assetDocuments = pgTable("asset_documents", {
  assetId: uuid("asset_id")
    .primaryKey()
    .references(() => assets.id, { onDelete: "cascade" }),
  orgId: uuid("org_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" }),
  revision: integer("revision").notNull().default(0),
  document: jsonb("document").notNull().default(sql`'{}'::jsonb`),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Every applied edit operation, in revision order: history, undo across sessions, "who changed this". */
export const assetOperations = pgTable(
  "asset_operations",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    assetId: uuid("asset_id")
      .notNull()
      .references(() => assets.id, { onDelete: "cascade" }),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    clientOpId: text("client_op_id").notNull(),
    operation: jsonb("operation").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("asset_operations_rev_idx").on(t.assetId, t.revision)],
);

export const assetFormats = pgTable(
  "asset_formats",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    label: text("label").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("asset_formats_org_slug_idx").on(t.orgId, t.slug)],
);

export const textStyleSets = pgTable(
  "text_style_sets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** { title, subtitle, body }: font, size, weight, colour, stroke, shadow, box, alignment. */
    styles: jsonb("styles").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("text_style_sets_org_name_idx").on(t.orgId, t.name)],
);

export const orgRules = pgTable("org_rules", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  cropPriority: text("crop_priority")
    .array()
    .notNull()
    .default(sql.raw(`'{${defaultOrgRules.cropPriority.join(",")}}'::text[]`)),
  canvasFill: text("canvas_fill").notNull().default(defaultOrgRules.canvasFill),
  moderationThreshold: integer("moderation_threshold").notNull().default(defaultOrgRules.moderationThreshold),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every review decision on a held upload or output, never updated or deleted: who decided what, why,
 * and on which scores.
 */
export const moderationDecisions = pgTable(
  "moderation_decisions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    subject: text("subject", { enum: ["asset", "output"] }).notNull(),
    /** The asset's or the job output's id. */
    subjectId: uuid("subject_id").notNull(),
    decision: text("decision", { enum: ["approved", "rejected"] }).notNull(),
    reason: text("reason").notNull(),
    scores: jsonb("scores"),
    decidedBy: uuid("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("moderation_decisions_org_idx").on(t.orgId, t.decidedAt),
    index("moderation_decisions_subject_idx").on(t.subjectId),
  ],
);

import { JOB_STATUSES, PRIORITY_CLASSES } from "@atelier/shared";
import { sql } from "drizzle-orm";
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations, users } from "./accounts.ts";
import { projects, reviewStatusEnum } from "./projects.ts";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const jobStatusEnum = pgEnum("job_status", JOB_STATUSES);
export type JobStatus = (typeof jobStatusEnum.enumValues)[number];

export const priorityEnum = pgEnum("job_priority", PRIORITY_CLASSES);

export const jobs = pgTable(
  "jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    status: jobStatusEnum("status").notNull().default("queued"),
    priority: priorityEnum("priority").notNull().default("standard"),
    vramMb: integer("vram_mb").notNull().default(0),
    spec: jsonb("spec").notNull(),
    assetIds: uuid("asset_ids").array().notNull().default(sql`'{}'::uuid[]`),
    /**
     * The edit document revision each input asset is rendered at, pinned when the job is submitted; an asset
     * missing here (or at 0) runs on its untouched original.
     */
    inputRevisions: jsonb("input_revisions")
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Only the current attempt may complete the job (conditional update on this column). */
    attempt: integer("attempt").notNull().default(1),
    maxAttempts: integer("max_attempts").notNull().default(3),
    nodeId: text("node_id"),
    progress: real("progress").notNull().default(0),
    error: jsonb("error"),
    creditsReserved: integer("credits_reserved").notNull().default(0),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** Deleted by a person: hidden at once, undoable until its files are cleaned up. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    /** The job's own webhook (as on Replicate), signed with the organization's job-webhook secret. */
    webhookUrl: text("webhook_url"),
    /** Which of the job's events go to `webhookUrl`; null for every one. */
    webhookEvents: text("webhook_events").array(),
  },
  (t) => [
    index("jobs_project_idx").on(t.projectId, t.createdAt),
    index("jobs_org_status_idx").on(t.orgId, t.status),
  ],
);

export const jobSteps = pgTable(
  "job_steps",
  {
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    index: integer("index").notNull(),
    step: text("step").notNull(),
    params: jsonb("params").notNull().default(sql`'{}'::jsonb`),
    status: text("status").notNull().default("pending"),
    progress: real("progress").notNull().default(0),
    vramMb: integer("vram_mb").notNull().default(0),
    /** Measured peak, so estimates improve. */
    peakVramMb: integer("peak_vram_mb"),
    /**
     * How long the step is expected to take for this job's inputs, set at submission from the durations
     * recorded here (started_at..finished_at) or the step's own estimate: overall progress and the time
     * left are weighted by it.
     */
    expectedMs: integer("expected_ms"),
    outputs: jsonb("outputs"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.index] })],
);

/** One row per attempt: the dead-letter view shows each attempt's error. */
export const jobAttempts = pgTable(
  "job_attempts",
  {
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    nodeId: text("node_id"),
    error: jsonb("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.attempt] })],
);

export const jobOutputs = pgTable(
  "job_outputs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** The output's role in the job ("cutout", "mask", "instagram-square"). */
    name: text("name").notNull(),
    /** What it is saved as everywhere: `<input>.<role>.<ext>`; null for outputs stored before names were kept. */
    fileName: text("file_name"),
    storageKey: text("storage_key").notNull(),
    /** A small WebP for lists, so a page of outputs never loads the full-size images. */
    thumbnailKey: text("thumbnail_key"),
    mediaType: text("media_type").notNull(),
    width: integer("width"),
    height: integer("height"),
    bytes: integer("bytes").notNull(),
    meta: jsonb("meta"),
    /** Scores per class for image outputs (null for models, JSON, …). */
    moderation: jsonb("moderation"),
    reviewStatus: reviewStatusEnum("review_status").notNull().default("unchecked"),
    createdAt: createdAt(),
    /** Deleted by a person: hidden at once, undoable until its files are cleaned up. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [index("job_outputs_job_idx").on(t.jobId)],
);

/** Transactional outbox: written with the job, moved to Redis by the dispatcher. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    topic: text("topic").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: createdAt(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
  },
  (t) => [index("outbox_unpublished_idx").on(t.id).where(sql`published_at is null`)],
);

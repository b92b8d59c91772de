import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** The installation's operator: the first account created (one at most, by a unique index). */
    isOperator: boolean("is_operator").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_one_operator").on(t.isOperator).where(sql`is_operator`)],
);

/** Lucia pattern: `id` is hex(sha256(token)); the token itself only ever lives in the cookie. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const roleEnum = pgEnum("member_role", ["owner", "admin", "member", "viewer"]);
export type Role = (typeof roleEnum.enumValues)[number];

export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  plan: text("plan").notNull().default("free"),
  stripeCustomerId: text("stripe_customer_id").unique(),
  /**
   * Its jobs that are queued or running, kept by the `jobs_count_live` trigger on every insert,
   * status change and delete of a job: submitting checks it under a row lock, so a cap per
   * organization holds however many submit at once.
   */
  liveJobs: integer("live_jobs").notNull().default(0),
  /** Spendable credits and credits held by live jobs: the sums of `credit_ledger`, kept by its trigger. */
  credits: integer("credits").notNull().default(0),
  creditsReserved: integer("credits_reserved").notNull().default(0),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  "memberships",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

/**
 * Keys for the SDK and CLI, owned by one organization: they reach nothing outside it. Only
 * sha256(secret) is stored, `prefix` lets people recognise a key. `userId` is the admin who made
 * it: a key acts with at most that person's current role there (and never as owner), so it stops
 * when they leave the organization.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    /** Refused from this moment on (null: never expires). */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("api_keys_user_idx").on(t.userId), index("api_keys_org_idx").on(t.orgId)],
);

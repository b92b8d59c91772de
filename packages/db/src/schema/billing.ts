import { sql } from "drizzle-orm";
import {
  bigint,
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

export const ledgerKindEnum = pgEnum("ledger_kind", [
  "grant",
  "purchase",
  "reserve",
  "capture",
  "release",
  "adjustment",
  "refund",
  "expiry",
]);
export type LedgerKind = (typeof ledgerKindEnum.enumValues)[number];

/**
 * Append-only. Two sums describe an organization: `amount` is the change of the credits it can spend
 * now, `held` the change of the credits running jobs hold. A reserve moves the price from spendable to
 * held (amount -p, held +p); its capture ends the hold and gives back what the job did not use
 * (amount p - used, held -p); its release gives all of it back (amount +p, held -p). A job's charge is
 * minus the sum of its rows' `amount`. `organizations.credits` / `credits_reserved` are these sums,
 * kept by the `credit_ledger_apply` trigger in the same transaction (migration 0006).
 */
export const creditLedger = pgTable(
  "credit_ledger",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    kind: ledgerKindEnum("kind").notNull(),
    amount: integer("amount").notNull(),
    held: integer("held").notNull().default(0),
    jobId: uuid("job_id"),
    /** The reserve row a capture or release settles: unique, so a reservation is settled once. */
    reservationId: bigint("reservation_id", { mode: "number" }),
    /** The Stripe event (or other payment id) a purchase, grant or refund came from. */
    stripeEventId: text("stripe_event_id"),
    /** Why: "job submitted", "renewal of pro", the operator's reason for a grant. */
    memo: text("memo"),
    /** Who caused it: the job's submitter, the operator who granted. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** The preset of a job's rows, for usage by preset. */
    preset: text("preset"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("credit_ledger_org_idx").on(t.orgId, t.id),
    index("credit_ledger_job_idx").on(t.jobId),
    uniqueIndex("credit_ledger_settles_once").on(t.reservationId).where(sql`reservation_id is not null`),
    uniqueIndex("credit_ledger_event_once")
      .on(t.stripeEventId, t.kind)
      .where(sql`stripe_event_id is not null`),
  ],
);

/** Each webhook event id (Stripe's `evt_...`) is applied once; `outcome` says what it did. */
export const processedEvents = pgTable("processed_events", {
  id: text("id").primaryKey(),
  source: text("source").notNull().default("stripe"),
  type: text("type").notNull(),
  outcome: text("outcome").notNull(),
  processedAt: timestamp("processed_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Free, Pro and Team (seeded by the migration), edited by the operator. */
export const plans = pgTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  monthlyCredits: integer("monthly_credits").notNull(),
  /** The priority class of the organization's jobs: `standard`, `pro` or `interactive`. */
  priority: text("priority").notNull(),
  maxLiveJobs: integer("max_live_jobs").notNull(),
  maxOutputMegapixels: integer("max_output_megapixels").notNull(),
  seats: integer("seats").notNull(),
  priceCents: integer("price_cents").notNull().default(0),
  /** Stripe's recurring price for Checkout (`price_...`); null sells it by `price_cents`. */
  stripePriceId: text("stripe_price_id"),
  sort: integer("sort").notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One-time credit packs sold through Checkout, edited by the operator. */
export const creditPacks = pgTable("credit_packs", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  credits: integer("credits").notNull(),
  priceCents: integer("price_cents").notNull(),
  currency: text("currency").notNull().default("usd"),
  active: integer("active").notNull().default(1),
  sort: integer("sort").notNull().default(0),
});

/** An organization's Stripe subscription as the last applied event left it. */
export const subscriptions = pgTable("subscriptions", {
  id: text("id").primaryKey(),
  orgId: uuid("org_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" }),
  planId: text("plan_id").notNull(),
  status: text("status").notNull(),
  /** Stripe's `created` of the event that wrote this row: an older event never overwrites it. */
  eventCreated: bigint("event_created", { mode: "number" }).notNull(),
  currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
  /** A failed payment: the organization moves to Free at the end of the period. */
  downgradeAt: timestamp("downgrade_at", { withTimezone: true }),
  raw: jsonb("raw"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

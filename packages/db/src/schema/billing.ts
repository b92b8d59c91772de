import { bigserial, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./accounts.ts";

export const ledgerKindEnum = pgEnum("ledger_kind", [
  "grant",
  "purchase",
  "reserve",
  "capture",
  "release",
  "adjustment",
]);

/**
 * Append-only: the balance is the sum of `amount`. A reserve is negative, its release positive; a capture
 * records the final charge against the reservation and carries amount 0 when it equals the reserve.
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
    jobId: uuid("job_id"),
    stripeEventId: text("stripe_event_id"),
    memo: text("memo"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("credit_ledger_org_idx").on(t.orgId)],
);

/** Each Stripe event id is applied once. */
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  processedAt: timestamp("processed_at", { withTimezone: true }).notNull().defaultNow(),
});

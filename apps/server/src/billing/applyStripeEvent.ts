import { type Database, type Executor, eq, rowsOf, schema, sql } from "@atelier/db";
import { appendEntry } from "@atelier/jobs";
import { z } from "zod";

/** What applying one event did, as the webhook answers it. */
export interface EventOutcome {
  outcome: "applied" | "duplicate" | "stale" | "ignored";
  message: string;
  /** Organizations whose balance changed. */
  orgIds: string[];
}

const metadata = z.record(z.string(), z.string()).nullish();
const sessionSchema = z.object({
  id: z.string(),
  mode: z.string().nullish(),
  payment_status: z.string().nullish(),
  customer: z.string().nullish(),
  subscription: z.string().nullish(),
  metadata,
});
const subscriptionSchema = z.object({
  id: z.string(),
  status: z.string(),
  customer: z.string().nullish(),
  metadata,
  current_period_end: z.number().nullish(),
  items: z
    .object({
      data: z.array(
        z.object({ price: z.object({ id: z.string() }).nullish(), current_period_end: z.number().nullish() }),
      ),
    })
    .nullish(),
});
const invoiceSchema = z.object({
  id: z.string(),
  billing_reason: z.string().nullish(),
  period_end: z.number().nullish(),
  subscription: z.string().nullish(),
  subscription_details: z.object({ metadata }).nullish(),
  parent: z
    .object({
      subscription_details: z.object({ metadata, subscription: z.string().nullish() }).nullish(),
    })
    .nullish(),
  lines: z
    .object({
      data: z.array(z.object({ metadata, period: z.object({ end: z.number() }).nullish() })),
    })
    .nullish(),
});

export interface StripeEventLike {
  id: string;
  type: string;
  created: number;
  data: { object: unknown };
}

/**
 * Applies a verified Stripe event exactly once: its id goes into `processed_events` in the same
 * transaction as its effect, so five deliveries at once apply it once (the others wait on the row and
 * find it), and a replay days later finds it too. Grants come from the event itself: the Checkout
 * Session's metadata names the organization and the pack or plan, so nothing is asked of Stripe.
 */
export async function applyStripeEvent(db: Database, event: StripeEventLike): Promise<EventOutcome> {
  return db.transaction(async (tx) => {
    const fresh = await tx
      .insert(schema.processedEvents)
      .values({ id: event.id, type: event.type, outcome: "applying" })
      .onConflictDoNothing()
      .returning({ id: schema.processedEvents.id });
    if (fresh.length === 0) {
      const [seen] = await tx
        .select()
        .from(schema.processedEvents)
        .where(eq(schema.processedEvents.id, event.id));
      return {
        outcome: "duplicate",
        message: `Event ${event.id} was already applied (${seen?.outcome ?? "earlier"}); nothing changed.`,
        orgIds: [],
      };
    }
    const result = await apply(tx, event);
    await tx
      .update(schema.processedEvents)
      .set({ outcome: `${result.outcome}: ${result.message}`.slice(0, 500) })
      .where(eq(schema.processedEvents.id, event.id));
    return result;
  });
}

const ignored = (message: string): EventOutcome => ({ outcome: "ignored", message, orgIds: [] });

async function apply(tx: Executor, event: StripeEventLike): Promise<EventOutcome> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return checkoutCompleted(tx, event, sessionSchema.parse(event.data.object));
    case "invoice.paid":
      return invoicePaid(tx, event, invoiceSchema.parse(event.data.object));
    case "invoice.payment_failed":
      return paymentFailed(tx, invoiceSchema.parse(event.data.object));
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      return subscriptionChanged(tx, event, subscriptionSchema.parse(event.data.object));
    default:
      return ignored(`Atelier does not act on ${event.type}.`);
  }
}

async function orgExists(tx: Executor, orgId: string | undefined): Promise<boolean> {
  if (!orgId || !z.uuid().safeParse(orgId).success) return false;
  const [org] = await tx
    .select({ id: schema.organizations.id })
    .from(schema.organizations)
    .where(eq(schema.organizations.id, orgId));
  return org !== undefined;
}

async function checkoutCompleted(
  tx: Executor,
  event: StripeEventLike,
  session: z.infer<typeof sessionSchema>,
): Promise<EventOutcome> {
  const { orgId, packId, planId } = session.metadata ?? {};
  if (!(await orgExists(tx, orgId)))
    return ignored(`Checkout ${session.id} names no organization of this installation.`);
  if (session.payment_status !== "paid" && session.payment_status !== "no_payment_required") {
    return ignored(`Checkout ${session.id} is not paid yet (${session.payment_status ?? "unknown"}).`);
  }
  if (session.customer) {
    await tx
      .update(schema.organizations)
      .set({ stripeCustomerId: session.customer })
      .where(eq(schema.organizations.id, orgId!));
  }
  if (packId) {
    const [pack] = await tx.select().from(schema.creditPacks).where(eq(schema.creditPacks.id, packId));
    if (!pack) return ignored(`Checkout ${session.id} names pack "${packId}", which does not exist.`);
    await appendEntry(tx, {
      orgId: orgId!,
      kind: "purchase",
      amount: pack.credits,
      memo: `${pack.name} bought (${session.id})`,
      stripeEventId: event.id,
    });
    return {
      outcome: "applied",
      message: `Granted ${pack.credits} credits for ${pack.name}.`,
      orgIds: [orgId!],
    };
  }
  if (planId) {
    const [plan] = await tx.select().from(schema.plans).where(eq(schema.plans.id, planId));
    if (!plan) return ignored(`Checkout ${session.id} names plan "${planId}", which does not exist.`);
    await tx.update(schema.organizations).set({ plan: plan.id }).where(eq(schema.organizations.id, orgId!));
    if (session.subscription) {
      await upsertSubscription(tx, {
        id: session.subscription,
        orgId: orgId!,
        planId: plan.id,
        status: "active",
        eventCreated: event.created,
        currentPeriodEnd: null,
      });
    }
    await appendEntry(tx, {
      orgId: orgId!,
      kind: "grant",
      amount: plan.monthlyCredits,
      memo: `first month of ${plan.name}`,
      stripeEventId: event.id,
    });
    return {
      outcome: "applied",
      message: `Moved to ${plan.name} and granted its ${plan.monthlyCredits} monthly credits.`,
      orgIds: [orgId!],
    };
  }
  return ignored(`Checkout ${session.id} names neither a pack nor a plan.`);
}

function invoiceMetadata(invoice: z.infer<typeof invoiceSchema>): Record<string, string> {
  return (
    invoice.parent?.subscription_details?.metadata ??
    invoice.subscription_details?.metadata ??
    invoice.lines?.data.find((l) => l.metadata?.orgId)?.metadata ??
    {}
  );
}

function invoiceSubscription(invoice: z.infer<typeof invoiceSchema>): string | null {
  return invoice.parent?.subscription_details?.subscription ?? invoice.subscription ?? null;
}

/** A renewal: the month's credits of the plan, and any downgrade a failed payment scheduled is off. */
async function invoicePaid(
  tx: Executor,
  event: StripeEventLike,
  invoice: z.infer<typeof invoiceSchema>,
): Promise<EventOutcome> {
  if (invoice.billing_reason !== "subscription_cycle") {
    return ignored(`Invoice ${invoice.id} is not a renewal; its first month is granted at checkout.`);
  }
  const { orgId, planId } = invoiceMetadata(invoice);
  if (!(await orgExists(tx, orgId)))
    return ignored(`Invoice ${invoice.id} names no organization of this installation.`);
  const [plan] = planId ? await tx.select().from(schema.plans).where(eq(schema.plans.id, planId)) : [];
  if (!plan) return ignored(`Invoice ${invoice.id} names no plan of this installation.`);
  const subscription = invoiceSubscription(invoice);
  if (subscription) {
    await tx
      .update(schema.subscriptions)
      .set({ downgradeAt: null, updatedAt: new Date() })
      .where(eq(schema.subscriptions.id, subscription));
  }
  await appendEntry(tx, {
    orgId: orgId!,
    kind: "grant",
    amount: plan.monthlyCredits,
    memo: `renewal of ${plan.name}`,
    stripeEventId: event.id,
  });
  return {
    outcome: "applied",
    message: `Renewed ${plan.name}: granted ${plan.monthlyCredits} credits.`,
    orgIds: [orgId!],
  };
}

/** A failed payment: the organization moves to Free at the end of the period it paid for. */
async function paymentFailed(tx: Executor, invoice: z.infer<typeof invoiceSchema>): Promise<EventOutcome> {
  const subscription = invoiceSubscription(invoice);
  const periodEnd = invoice.lines?.data[0]?.period?.end ?? invoice.period_end;
  if (!subscription || !periodEnd) return ignored(`Invoice ${invoice.id} is not for a subscription.`);
  const updated = await tx
    .update(schema.subscriptions)
    .set({ downgradeAt: new Date(periodEnd * 1000), updatedAt: new Date() })
    .where(eq(schema.subscriptions.id, subscription))
    .returning({ orgId: schema.subscriptions.orgId });
  if (updated.length === 0) return ignored(`Subscription ${subscription} is not one of this installation's.`);
  return {
    outcome: "applied",
    message: `Payment failed: moves to Free on ${new Date(periodEnd * 1000).toISOString()} unless paid.`,
    orgIds: [],
  };
}

async function subscriptionChanged(
  tx: Executor,
  event: StripeEventLike,
  sub: z.infer<typeof subscriptionSchema>,
): Promise<EventOutcome> {
  const deleted = event.type === "customer.subscription.deleted";
  const priceId = sub.items?.data[0]?.price?.id;
  // A plan changed in the portal changes the price, not the metadata: the price says which plan.
  const [byPrice] = priceId
    ? await tx.select().from(schema.plans).where(eq(schema.plans.stripePriceId, priceId))
    : [];
  const [known] = await tx.select().from(schema.subscriptions).where(eq(schema.subscriptions.id, sub.id));
  const orgId = sub.metadata?.orgId ?? known?.orgId;
  const planId = byPrice?.id ?? sub.metadata?.planId ?? known?.planId;
  if (!(await orgExists(tx, orgId)) || !planId) {
    return ignored(`Subscription ${sub.id} names no organization and plan of this installation.`);
  }
  const periodEnd = sub.current_period_end ?? sub.items?.data[0]?.current_period_end ?? null;
  const written = await upsertSubscription(tx, {
    id: sub.id,
    orgId: orgId!,
    planId,
    status: deleted ? "canceled" : sub.status,
    eventCreated: event.created,
    currentPeriodEnd: periodEnd ? new Date(periodEnd * 1000) : null,
  });
  if (!written) {
    return {
      outcome: "stale",
      message: `Subscription ${sub.id} was changed by a newer event${known?.status === "canceled" ? " (it was deleted)" : ""}; this older one changes nothing.`,
      orgIds: [],
    };
  }
  const active = !deleted && (sub.status === "active" || sub.status === "trialing");
  const plan = active ? planId : "free";
  await tx.update(schema.organizations).set({ plan }).where(eq(schema.organizations.id, orgId!));
  return {
    outcome: "applied",
    message: `Subscription ${sub.id} is ${deleted ? "deleted" : sub.status}: plan ${plan}.`,
    orgIds: [],
  };
}

/**
 * Writes a subscription only over an older event's state, and never brings a deleted one back: an
 * update delivered after its deletion (out of order) changes nothing. False when nothing was written.
 */
async function upsertSubscription(
  tx: Executor,
  row: {
    id: string;
    orgId: string;
    planId: string;
    status: string;
    eventCreated: number;
    currentPeriodEnd: Date | null;
  },
): Promise<boolean> {
  const written = rowsOf(
    await tx.execute(sql`
      insert into subscriptions (id, org_id, plan_id, status, event_created, current_period_end, updated_at)
      values (${row.id}, ${row.orgId}, ${row.planId}, ${row.status}, ${row.eventCreated},
              ${row.currentPeriodEnd?.toISOString() ?? null}, now())
      on conflict (id) do update set
        plan_id = excluded.plan_id, status = excluded.status, event_created = excluded.event_created,
        current_period_end = coalesce(excluded.current_period_end, subscriptions.current_period_end),
        updated_at = now()
      where subscriptions.event_created <= excluded.event_created and subscriptions.status <> 'canceled'
      returning id`),
  );
  return written.length > 0;
}

/** Organizations whose failed payment's period has ended move to Free (run every minute). */
export async function applyDueDowngrades(db: Database): Promise<number> {
  const rows = rowsOf(
    await db.execute(sql`
      with due as (
        update subscriptions set status = 'unpaid', downgrade_at = null, updated_at = now()
        where downgrade_at is not null and downgrade_at <= now()
        returning org_id
      )
      update organizations set plan = 'free' where id in (select org_id from due) returning id`),
  );
  return rows.length;
}

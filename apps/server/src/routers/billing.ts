import { asc, desc, eq, rowsOf, schema, sql } from "@atelier/db";
import { appendEntry, balanceOf } from "@atelier/jobs";
import {
  AppError,
  grantInput,
  type LedgerEntryView,
  ledgerPageInput,
  orgInput,
  orgStreamId,
  PROJECT_EVENTS_VERSION,
  type PackView,
  type PlanView,
  type ProjectEvent,
  packUpdateInput,
  planUpdateInput,
  setPlanInput,
  type UsageRow,
  usageInput,
  usageRange,
} from "@atelier/shared";
import { tracked } from "@trpc/server";
import { orgProcedure } from "../access.ts";
import { operatorProcedure, router, toTrpcError, userProcedure } from "../trpc.ts";
import { checkoutRoutes } from "./billingCheckout.ts";

function planView(row: typeof schema.plans.$inferSelect): PlanView {
  return {
    id: row.id,
    name: row.name,
    monthlyCredits: row.monthlyCredits,
    priority: row.priority as PlanView["priority"],
    maxLiveJobs: row.maxLiveJobs,
    maxOutputMegapixels: row.maxOutputMegapixels,
    seats: row.seats,
    priceCents: row.priceCents,
    stripePriceId: row.stripePriceId,
  };
}

function packView(row: typeof schema.creditPacks.$inferSelect): PackView {
  return {
    id: row.id,
    name: row.name,
    credits: row.credits,
    priceCents: row.priceCents,
    currency: row.currency,
    active: row.active === 1,
  };
}

/**
 * Credits, plans and packs. Members read their organization's balance, ledger and usage; the
 * operator grants credits, edits plans and packs and moves organizations between plans. Checkout and
 * the customer portal are in billingCheckout.ts, the Stripe webhook in http/stripeWebhook.ts.
 */
export const billingRouter = router({
  /** `credits`: what the organization can spend now; `reserved`: what its live jobs hold. */
  balance: orgProcedure()
    .input(orgInput)
    .query(async ({ ctx }) => {
      const [balance, [org]] = await Promise.all([
        balanceOf(ctx.services.db, ctx.access.orgId),
        ctx.services.db
          .select({ plan: schema.organizations.plan })
          .from(schema.organizations)
          .where(eq(schema.organizations.id, ctx.access.orgId)),
      ]);
      return { ...balance, plan: org?.plan ?? "free", enforced: ctx.services.config.billing === "credits" };
    }),

  /** The ledger, newest first, a page at a time (`before` = the last id of the previous page). */
  ledger: orgProcedure()
    .input(ledgerPageInput)
    .query(async ({ ctx, input }) => {
      const rows = rowsOf<{
        id: number;
        kind: string;
        amount: number;
        held: number;
        job_id: string | null;
        memo: string | null;
        user_id: string | null;
        preset: string | null;
        stripe_event_id: string | null;
        created_at: Date | string;
      }>(
        await ctx.services.db.execute(sql`
          select id, kind, amount, held, job_id, memo, user_id, preset, stripe_event_id, created_at
          from credit_ledger
          where org_id = ${ctx.access.orgId} ${input.before ? sql`and id < ${input.before}` : sql``}
          order by id desc
          limit ${input.limit + 1}`),
      );
      const page = rows.slice(0, input.limit);
      const entries: LedgerEntryView[] = page.map((r) => ({
        id: Number(r.id),
        kind: r.kind,
        amount: r.amount,
        held: r.held,
        jobId: r.job_id,
        reason: r.memo,
        userId: r.user_id,
        preset: r.preset,
        paymentId: r.stripe_event_id,
        createdAt: new Date(r.created_at).toISOString(),
      }));
      return { entries, nextBefore: rows.length > input.limit ? (entries.at(-1)?.id ?? null) : null };
    }),

  /**
   * Credits charged per UTC day, by preset and by member, over whole days (both ends included). Jobs
   * are metered with billing off too, so this answers on every installation.
   */
  usage: orgProcedure()
    .input(usageInput)
    .query(async ({ ctx, input }) => {
      const { from, to } = usageRange(input);
      const rows = rowsOf<{ day: string; preset: string | null; member: string | null; credits: number }>(
        // A settlement counts on its reservation's day, so a job held late and settled after
        // midnight is one day's usage, not a charge and a refund on two.
        await ctx.services.db.execute(sql`
          with charged as (
            select coalesce(r.created_at, l.created_at) as at, l.preset, l.user_id, l.amount
            from credit_ledger l left join credit_ledger r on r.id = l.reservation_id
            where l.org_id = ${ctx.access.orgId} and l.job_id is not null
              and l.kind in ('reserve', 'capture', 'release')
              -- a settlement is never older than its reservation: only rows from the range on
              and l.created_at >= (${from}::date)::timestamp at time zone 'UTC'
          )
          select to_char(c.at at time zone 'UTC', 'YYYY-MM-DD') as day,
                 c.preset, u.name as member, (-sum(c.amount))::int as credits
          from charged c left join users u on u.id = c.user_id
          where c.at >= (${from}::date)::timestamp at time zone 'UTC'
            and c.at < ((${to}::date + 1)::timestamp at time zone 'UTC')
          group by 1, 2, 3
          having sum(c.amount) <> 0
          order by 1`),
      );
      const usage: UsageRow[] = rows.map((r) => ({
        day: r.day,
        preset: r.preset ?? "custom steps",
        member: r.member ?? "a former member",
        credits: r.credits,
      }));
      return { from, to, rows: usage };
    }),

  /** The organization's balance, live: one event after every change (a job, a grant, a purchase). */
  events: orgProcedure()
    .input(orgInput)
    .subscription(async function* ({ ctx, signal }) {
      const { bus, access } = ctx.services;
      if (!ctx.credential) return;
      const lease = access.watch.lease(
        { credential: ctx.credential, principal: ctx.principal, orgId: ctx.access.orgId },
        signal ?? new AbortController().signal,
      );
      try {
        const stream = orgStreamId(ctx.access.orgId);
        const after = await bus.lastEventId(stream);
        const balance = await balanceOf(ctx.services.db, ctx.access.orgId);
        // The figures as of now first, so a header never waits for the next change.
        const now: ProjectEvent = {
          v: PROJECT_EVENTS_VERSION,
          type: "billing.balance",
          orgId: ctx.access.orgId,
          ...balance,
        };
        yield tracked(after, now);
        for await (const { id, event } of bus.events(stream, { afterId: after, signal: lease.signal }))
          yield tracked(id, event);
        const ended = lease.reason();
        if (ended) throw toTrpcError(ended);
      } finally {
        lease.stop();
      }
    }),

  plans: userProcedure.meta({ scope: "read" }).query(async ({ ctx }) => {
    const rows = await ctx.services.db.select().from(schema.plans).orderBy(asc(schema.plans.sort));
    return rows.map(planView);
  }),

  packs: userProcedure.meta({ scope: "read" }).query(async ({ ctx }) => {
    const rows = await ctx.services.db
      .select()
      .from(schema.creditPacks)
      .orderBy(asc(schema.creditPacks.sort));
    return rows.map(packView).filter((p) => p.active || ctx.principal.user.isOperator);
  }),

  /** Operator: credits for an organization (negative takes back), with the reason kept in the ledger. */
  grant: operatorProcedure.input(grantInput).mutation(async ({ ctx, input }) => {
    const [org] = await ctx.services.db
      .select({ id: schema.organizations.id })
      .from(schema.organizations)
      .where(eq(schema.organizations.id, input.orgId));
    if (!org) throw new AppError("NOT_FOUND", "No organization with that id on this installation.");
    await appendEntry(ctx.services.db, {
      orgId: input.orgId,
      kind: input.credits > 0 ? "grant" : "adjustment",
      amount: input.credits,
      memo: input.reason,
      userId: ctx.principal.user.id,
    });
    ctx.services.lifecycle.balances.changed(input.orgId);
    return balanceOf(ctx.services.db, input.orgId);
  }),

  /** Operator: every organization with its plan and balance, for the grants page. */
  organizations: operatorProcedure.query(async ({ ctx }) => {
    const rows = await ctx.services.db
      .select({
        id: schema.organizations.id,
        name: schema.organizations.name,
        plan: schema.organizations.plan,
        credits: schema.organizations.credits,
        reserved: schema.organizations.creditsReserved,
        liveJobs: schema.organizations.liveJobs,
      })
      .from(schema.organizations)
      .orderBy(desc(schema.organizations.createdAt))
      .limit(500);
    return rows;
  }),

  /** Operator: settles reservations of ended jobs now (the engine also does it every minute). */
  reconcile: operatorProcedure.mutation(({ ctx }) => ctx.services.lifecycle.reconcile()),

  updatePlan: operatorProcedure.input(planUpdateInput).mutation(async ({ ctx, input }) => {
    const values = { ...input, stripePriceId: input.stripePriceId ?? null, updatedAt: new Date() };
    const [row] = await ctx.services.db
      .insert(schema.plans)
      .values(values)
      .onConflictDoUpdate({ target: schema.plans.id, set: values })
      .returning();
    return planView(row!);
  }),

  updatePack: operatorProcedure.input(packUpdateInput).mutation(async ({ ctx, input }) => {
    const values = { ...input, active: input.active ? 1 : 0 };
    const [row] = await ctx.services.db
      .insert(schema.creditPacks)
      .values(values)
      .onConflictDoUpdate({ target: schema.creditPacks.id, set: values })
      .returning();
    return packView(row!);
  }),

  /** Operator: moves an organization to a plan by hand (no payment involved). */
  setPlan: operatorProcedure.input(setPlanInput).mutation(async ({ ctx, input }) => {
    const [plan] = await ctx.services.db.select().from(schema.plans).where(eq(schema.plans.id, input.planId));
    if (!plan)
      throw new AppError("NOT_FOUND", `There is no plan "${input.planId}"; billing.plans lists them.`);
    const [org] = await ctx.services.db
      .update(schema.organizations)
      .set({ plan: plan.id })
      .where(eq(schema.organizations.id, input.orgId))
      .returning({ id: schema.organizations.id, plan: schema.organizations.plan });
    if (!org) throw new AppError("NOT_FOUND", "No organization with that id on this installation.");
    return org;
  }),

  ...checkoutRoutes,
});

import { eq, schema } from "@atelier/db";
import { AppError, checkoutInput, orgInput } from "@atelier/shared";
import { orgProcedure } from "../access.ts";
import { requireStripe } from "../billing/stripeClient.ts";
import type { Context } from "../trpc.ts";

function billingPageUrl(ctx: Context, orgId: string, outcome?: string): string {
  const base = ctx.services.config.publicUrl ?? `http://${ctx.req.headers.host ?? "localhost"}`;
  return `${base}/orgs/${orgId}/billing${outcome ? `?checkout=${outcome}` : ""}`;
}

/**
 * Checkout for a credit pack (one-time) or a plan (subscription), and Stripe's customer portal. The
 * Session's metadata carries `orgId` and `packId` or `planId`: the webhook grants from the event alone.
 */
export const checkoutRoutes = {
  checkout: orgProcedure("admin")
    .input(checkoutInput)
    .mutation(async ({ ctx, input }) => {
      const stripe = requireStripe(ctx.services.stripe);
      const { db } = ctx.services;
      const [org] = await db
        .select({ customer: schema.organizations.stripeCustomerId })
        .from(schema.organizations)
        .where(eq(schema.organizations.id, ctx.access.orgId));
      const common = {
        success_url: billingPageUrl(ctx, ctx.access.orgId, "success"),
        cancel_url: billingPageUrl(ctx, ctx.access.orgId, "cancelled"),
        client_reference_id: ctx.access.orgId,
        ...(org?.customer ? { customer: org.customer } : { customer_email: ctx.principal.user.email }),
      };
      if (input.packId) {
        const [pack] = await db
          .select()
          .from(schema.creditPacks)
          .where(eq(schema.creditPacks.id, input.packId));
        if (pack?.active !== 1) {
          throw new AppError(
            "NOT_FOUND",
            `There is no credit pack "${input.packId}"; billing.packs lists them.`,
          );
        }
        const metadata = { orgId: ctx.access.orgId, packId: pack.id };
        const session = await stripe.checkout.sessions.create({
          ...common,
          mode: "payment",
          metadata,
          payment_intent_data: { metadata },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: pack.currency,
                unit_amount: pack.priceCents,
                product_data: { name: pack.name },
              },
            },
          ],
        });
        return { url: session.url!, sessionId: session.id };
      }
      const [plan] = await db.select().from(schema.plans).where(eq(schema.plans.id, input.planId!));
      if (!plan || plan.priceCents === 0) {
        throw new AppError("NOT_FOUND", `There is no paid plan "${input.planId}"; billing.plans lists them.`);
      }
      const metadata = { orgId: ctx.access.orgId, planId: plan.id };
      const session = await stripe.checkout.sessions.create({
        ...common,
        mode: "subscription",
        metadata,
        subscription_data: { metadata },
        line_items: [
          plan.stripePriceId
            ? { quantity: 1, price: plan.stripePriceId }
            : {
                quantity: 1,
                price_data: {
                  currency: "usd",
                  unit_amount: plan.priceCents,
                  recurring: { interval: "month" },
                  product_data: { name: `Atelier ${plan.name}` },
                },
              },
        ],
      });
      return { url: session.url!, sessionId: session.id };
    }),

  /** Stripe's customer portal: change or cancel the plan, invoices, payment methods. */
  portal: orgProcedure("admin")
    .input(orgInput)
    .mutation(async ({ ctx }) => {
      const stripe = requireStripe(ctx.services.stripe);
      const [org] = await ctx.services.db
        .select({ customer: schema.organizations.stripeCustomerId })
        .from(schema.organizations)
        .where(eq(schema.organizations.id, ctx.access.orgId));
      if (!org?.customer) {
        throw new AppError(
          "CONFLICT",
          "This organization has not paid through Stripe yet; buy a pack or a plan first, then its invoices are in the portal.",
        );
      }
      const session = await stripe.billingPortal.sessions.create({
        customer: org.customer,
        return_url: billingPageUrl(ctx, ctx.access.orgId),
      });
      return { url: session.url };
    }),
};

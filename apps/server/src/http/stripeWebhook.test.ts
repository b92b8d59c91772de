import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeStripe, startFakeStripe, stripeEvent } from "../testing/fakeStripe.ts";
import { signUpWithProject } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

describe("Stripe: checkout, the webhook applying each event once, renewals and downgrades", () => {
  let stripe: FakeStripe;
  let app: TestApp;
  let owner: TestClient;
  let orgId: string;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    app = await startTestApp({
      env: {
        ATELIER_EMBEDDED_WORKER: "false",
        ATELIER_BILLING: "credits",
        STRIPE_SECRET_KEY: "sk_test_atelier",
        STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
        STRIPE_API_BASE: stripe.url,
      },
    });
    stripe.webhookUrl = `${app.url}/webhooks/stripe`;
    owner = app.client();
    orgId = (await signUpWithProject(owner, "Buyer")).org.id;
  });
  afterAll(async () => {
    await app?.close();
    await stripe?.close();
  });

  const credits = async () => (await owner.trpc.billing.balance.query({ orgId })).credits;

  it("grants a pack once for the same checkout.session.completed five times at once; a forged and a stale one change nothing", async () => {
    const { sessionId, url } = await owner.trpc.billing.checkout.mutate({ orgId, packId: "small" });
    expect(url).toBe(`${stripe.url}/checkout/${sessionId}`);
    // The SDK sent the organization and the pack as the Session's metadata.
    expect(stripe.sessions.get(sessionId)?.metadata).toEqual({ orgId, packId: "small" });
    const before = await credits();

    const event = stripe.completedEvent(sessionId);
    const answers = await Promise.all(Array.from({ length: 5 }, () => stripe.deliver(event)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const outcomes = answers.map((a) => a.body.outcome).sort();
    expect(outcomes).toEqual(["applied", "duplicate", "duplicate", "duplicate", "duplicate"]);
    expect(answers.find((a) => a.body.outcome === "duplicate")?.body.message).toMatch(/already applied/);
    expect(await credits()).toBe(before + 500);

    // Forged: a new event id, signed with a secret that is not the endpoint's.
    const forged = await stripe.deliver(stripe.completedEvent(sessionId), { secret: "whsec_not_ours" });
    expect(forged.status).toBe(403);
    expect(forged.body.error).toMatchObject({ code: "BAD_SIGNATURE", details: { reason: "forged" } });

    // Stale: correctly signed, but an hour ago (a replay past the tolerance).
    const stale = await stripe.deliver(stripe.completedEvent(sessionId), {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(stale.status).toBe(403);
    expect(stale.body.error).toMatchObject({ code: "BAD_SIGNATURE", details: { reason: "stale" } });
    expect((stale.body.error as { message: string }).message).toMatch(/older than 300 s/);

    // A replay of the applied event, days later and freshly signed, is a duplicate.
    expect((await stripe.deliver(event)).body.outcome).toBe("duplicate");
    expect(await credits()).toBe(before + 500);
    const ledger = await owner.trpc.billing.ledger.query({ orgId });
    expect(ledger.entries.filter((e) => e.kind === "purchase")).toHaveLength(1);
  });

  it("buys through the Checkout stand-in page: Pay posts the signed event and returns to the billing page", async () => {
    const before = await credits();
    const { url } = await owner.trpc.billing.checkout.mutate({ orgId, packId: "medium" });
    const page = await fetch(url);
    expect(await page.text()).toContain("Pay 18.00 USD");
    const paid = await fetch(`${url}/pay`, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toMatch(new RegExp(`/orgs/${orgId}/billing\\?checkout=success$`));
    expect(await credits()).toBe(before + 2000);
  });

  it("subscribes to a plan, renews it, ignores an update that arrives after the deletion, and downgrades after a failed payment", async () => {
    const { sessionId } = await owner.trpc.billing.checkout.mutate({ orgId, planId: "pro" });
    const before = await credits();
    const completed = await stripe.deliver(stripe.completedEvent(sessionId));
    expect(completed.body.outcome).toBe("applied");
    expect((await owner.trpc.billing.balance.query({ orgId })).plan).toBe("pro");
    expect(await credits()).toBe(before + 2000);

    const subscription = stripe.sessions.get(sessionId)!.subscription!;
    const metadata = { orgId, planId: "pro" };
    const renewal = stripeEvent("invoice.paid", {
      id: "in_renewal_1",
      billing_reason: "subscription_cycle",
      parent: { subscription_details: { metadata, subscription } },
    });
    expect((await stripe.deliver(renewal)).body.outcome).toBe("applied");
    expect((await stripe.deliver(renewal)).body.outcome).toBe("duplicate");
    expect(await credits()).toBe(before + 4000);

    // A failed payment: Free at the end of the period (already over here), applied by the minute sweep.
    const failed = stripeEvent("invoice.payment_failed", {
      id: "in_failed_1",
      period_end: Math.floor(Date.now() / 1000) - 1,
      parent: { subscription_details: { metadata, subscription } },
    });
    expect((await stripe.deliver(failed)).body.outcome).toBe("applied");
    const { applyDueDowngrades } = await import("../billing/applyStripeEvent.ts");
    expect(await applyDueDowngrades(app.services.db)).toBe(1);
    expect((await owner.trpc.billing.balance.query({ orgId })).plan).toBe("free");

    // Deleted, then an update created earlier arrives late: the deletion stands.
    const now = Math.floor(Date.now() / 1000);
    const sub = { id: subscription, status: "active", metadata };
    const deleted = stripeEvent("customer.subscription.deleted", { ...sub, status: "canceled" }, now + 10);
    const lateUpdate = stripeEvent("customer.subscription.updated", sub, now + 5);
    expect((await stripe.deliver(deleted)).body.outcome).toBe("applied");
    const late = await stripe.deliver(lateUpdate);
    expect(late.body).toMatchObject({ outcome: "stale" });
    expect(String(late.body.message)).toMatch(/newer event .*deleted/);
    // Even an update stamped after the deletion does not bring a deleted subscription back.
    const later = stripeEvent("customer.subscription.updated", sub, now + 20);
    expect((await stripe.deliver(later)).body.outcome).toBe("stale");
    expect((await owner.trpc.billing.balance.query({ orgId })).plan).toBe("free");
  });

  it("opens the customer portal for an organization that has paid", async () => {
    const { url } = await owner.trpc.billing.portal.mutate({ orgId });
    expect(url).toMatch(new RegExp(`^${stripe.url}/portal/cus_`));
  });
});

import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useApi } from "../session/SessionContext.tsx";

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/**
 * An organization's plan, its credit packs and Stripe's portal (invoices, payment methods, cancelling),
 * and a link to its usage. Buying opens Stripe Checkout; the webhook grants the credits and the header follows.
 */
export function BillingPage({ orgId }: { orgId: string }) {
  const client = useApi();
  const balance = useResource(() => client.billing.balance.query({ orgId }), orgId);
  const plans = useResource(() => client.billing.plans.query(), "plans");
  const packs = useResource(() => client.billing.packs.query(), "packs");
  const checkout = useAction(async (choice: { packId?: string; planId?: string }) => {
    const { url } = await client.billing.checkout.mutate({ orgId, ...choice });
    window.location.assign(url);
  });
  const portal = useAction(async () => {
    const { url } = await client.billing.portal.mutate({ orgId });
    window.location.assign(url);
  });
  const plan = plans.data?.find((p) => p.id === balance.data?.plan);
  const outcome = new URLSearchParams(window.location.search).get("checkout");
  return (
    <>
      <h1>Billing</h1>
      {outcome === "success" && (
        <p className="saved-note" role="status">
          Payment received. The credits appear in the header as soon as Stripe confirms it.
        </p>
      )}
      {outcome === "cancelled" && <p className="muted">Checkout was cancelled; nothing was charged.</p>}
      <FormError message={balance.error ?? plans.error ?? packs.error ?? checkout.error ?? portal.error} />
      <section className="panel" aria-labelledby="plan-heading">
        <h2 id="plan-heading">Plan: {plan?.name ?? balance.data?.plan ?? "…"}</h2>
        {plan && (
          <p>
            {plan.monthlyCredits.toLocaleString()} credits a month, {plan.maxLiveJobs} jobs at once, images up
            to {plan.maxOutputMegapixels} MP, {plan.seats} seats.
          </p>
        )}
        {balance.data && !balance.data.enforced && (
          <p className="muted">Credits are not enforced on this installation; usage is still counted.</p>
        )}
        <ul className="plan-list">
          {plans.data
            ?.filter((p) => p.priceCents > 0 && p.id !== plan?.id)
            .map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="button"
                  disabled={checkout.pending}
                  onClick={() => void checkout.run({ planId: p.id })}
                >
                  Move to {p.name} ({money(p.priceCents)} a month)
                </button>
              </li>
            ))}
        </ul>
        <button type="button" className="button" disabled={portal.pending} onClick={() => void portal.run()}>
          Invoices and payment methods
        </button>
      </section>
      <section className="panel" aria-labelledby="packs-heading">
        <h2 id="packs-heading">Credit packs</h2>
        <ul className="pack-list" aria-label="Credit packs">
          {packs.data
            ?.filter((p) => p.active)
            .map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="button button-primary"
                  disabled={checkout.pending}
                  onClick={() => void checkout.run({ packId: p.id })}
                >
                  Buy {p.name}: {p.credits.toLocaleString()} credits for {money(p.priceCents)}
                </button>
              </li>
            ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="usage-heading">
        <h2 id="usage-heading">Usage</h2>
        <p>
          <Link to={pathOf({ name: "orgUsage", orgId })}>Credits used per day, by preset and by member</Link>
        </p>
      </section>
    </>
  );
}

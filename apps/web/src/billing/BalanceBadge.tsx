import { useEffect, useState } from "react";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useApi } from "../session/SessionContext.tsx";

/**
 * The organization's credits in the header, live: the organization's stream sends the balance on
 * subscribing and after every change (a job reserved or settled, a grant, a purchase in another tab).
 */
export function BalanceBadge({ orgId }: { orgId: string }) {
  const client = useApi();
  const [balance, setBalance] = useState<{ credits: number; reserved: number } | null>(null);
  useEffect(() => {
    setBalance(null);
    const subscription = client.billing.events.subscribe(
      { orgId },
      {
        onData: ({ data }) => {
          if (data.type === "billing.balance") setBalance({ credits: data.credits, reserved: data.reserved });
        },
      },
    );
    return () => subscription.unsubscribe();
  }, [client, orgId]);
  return (
    <Link to={pathOf({ name: "orgBilling", orgId })} className="balance-badge" aria-label="Credit balance">
      <span role="status" data-testid="balance">
        {balance === null ? "… credits" : `${balance.credits.toLocaleString()} credits`}
      </span>
      {balance && balance.reserved > 0 && <span className="muted"> ({balance.reserved} held)</span>}
    </Link>
  );
}

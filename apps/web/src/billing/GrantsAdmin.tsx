import { useId, useState } from "react";
import { AdminForm } from "../admin/AdminForm.tsx";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { TextField } from "../components/TextField.tsx";
import { useApi } from "../session/SessionContext.tsx";

/**
 * Operator: credits for any organization of the installation (a negative number takes some back),
 * with the reason kept in its ledger. The organization's header updates live.
 */
export function GrantsAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const orgs = useResource(() => client.billing.organizations.query(), "organizations");
  const [filter, setFilter] = useState("");
  const [chosen, setChosen] = useState(orgId);
  const [credits, setCredits] = useState("100");
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const pickerId = useId();
  const shown = (orgs.data ?? []).filter(
    (o) => o.id === chosen || o.name.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  const grant = useAction(async () => {
    const amount = Number(credits);
    const balance = await client.billing.grant.mutate({ orgId: chosen, credits: amount, reason });
    const name = orgs.data?.find((o) => o.id === chosen)?.name ?? "the organization";
    setDone(
      `${amount > 0 ? "Granted" : "Took back"} ${Math.abs(amount).toLocaleString()} credits ${amount > 0 ? "to" : "from"} ${name}; it now has ${balance.credits.toLocaleString()}.`,
    );
    setReason("");
    orgs.reload();
  });
  const onSubmit = () => {
    setDone(null);
    void grant.run();
  };
  return (
    <section className="panel" aria-labelledby="grants-heading">
      <h2 id="grants-heading">Grant credits</h2>
      <p className="muted">Any organization on this installation. The reason is kept in its ledger.</p>
      <FormError message={orgs.error} />
      <AdminForm
        label="Grant credits"
        error={grant.error}
        submitLabel="Grant"
        submitDisabled={grant.pending || !chosen}
        onSubmit={onSubmit}
        note={done}
      >
        <div className="admin-form-grid">
          <TextField
            label="Find an organization"
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          <div className="field">
            <label htmlFor={pickerId}>Organization</label>
            <select id={pickerId} value={chosen} required onChange={(e) => setChosen(e.target.value)}>
              {shown.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} ({o.plan}, {o.credits.toLocaleString()} credits)
                </option>
              ))}
            </select>
          </div>
          <TextField
            label="Credits"
            type="number"
            required
            value={credits}
            hint="Negative to take credits back."
            onChange={(e) => setCredits(e.target.value)}
          />
          <TextField
            label="Reason"
            required
            maxLength={200}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
      </AdminForm>
    </section>
  );
}

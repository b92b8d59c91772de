import type { PlanView } from "@atelier/shared";
import { useId, useState } from "react";
import { AdminForm } from "../admin/AdminForm.tsx";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { TextField } from "../components/TextField.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { numberField } from "./numberField.ts";

const priorities: PlanView["priority"][] = ["standard", "pro", "interactive"];

/** Operator: what each plan gives, edited in place; organizations on the plan get it at once. */
export function PlansAdmin() {
  const client = useApi();
  const plans = useResource(() => client.billing.plans.query(), "plans");
  return (
    <section className="panel" aria-labelledby="plans-heading">
      <h2 id="plans-heading">Plans</h2>
      <p className="muted">Shared by the whole installation. Prices are what Checkout charges a month.</p>
      <FormError message={plans.error} />
      {plans.data?.map((plan) => (
        <PlanForm key={plan.id} plan={plan} />
      ))}
    </section>
  );
}

function PlanForm({ plan }: { plan: PlanView }) {
  const client = useApi();
  const [draft, setDraft] = useState(plan);
  const [saved, setSaved] = useState(false);
  const priorityId = useId();
  const save = useAction(async () => {
    setDraft(await client.billing.updatePlan.mutate(draft));
    setSaved(true);
  });
  const number = (key: keyof PlanView & string) =>
    numberField(draft, key, (patch) => {
      setSaved(false);
      setDraft((d) => ({ ...d, ...patch }));
    });
  return (
    <AdminForm
      label={`Plan ${plan.name}`}
      heading={
        <>
          {plan.name} <span className="muted">({plan.id})</span>
        </>
      }
      error={save.error}
      submitLabel={`Save ${plan.name}`}
      submitDisabled={save.pending}
      onSubmit={() => void save.run()}
      note={saved && "Saved"}
    >
      <div className="admin-form-grid">
        <TextField
          label="Name"
          value={draft.name}
          required
          onChange={(e) => {
            setSaved(false);
            setDraft((d) => ({ ...d, name: e.target.value }));
          }}
        />
        <TextField label="Monthly credits" {...number("monthlyCredits")} />
        <div className="field">
          <label htmlFor={priorityId}>Priority class</label>
          <select
            id={priorityId}
            value={draft.priority}
            onChange={(e) => {
              setSaved(false);
              setDraft((d) => ({ ...d, priority: e.target.value as PlanView["priority"] }));
            }}
          >
            {priorities.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <TextField label="Concurrent jobs" {...number("maxLiveJobs")} min={1} />
        <TextField label="Largest output (MP)" {...number("maxOutputMegapixels")} min={1} />
        <TextField label="Seats" {...number("seats")} min={1} />
        <TextField label="Price (cents a month)" {...number("priceCents")} />
      </div>
    </AdminForm>
  );
}

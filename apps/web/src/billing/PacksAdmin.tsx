import type { PackView } from "@atelier/shared";
import { useState } from "react";
import { AdminForm } from "../admin/AdminForm.tsx";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { CheckboxField } from "../components/CheckboxField.tsx";
import { FormError } from "../components/FormError.tsx";
import { TextField } from "../components/TextField.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { numberField } from "./numberField.ts";

type PackDraft = Omit<PackView, "currency">;

/** Operator: the credit packs organizations can buy; an inactive pack is hidden from the Billing page. */
export function PacksAdmin() {
  const client = useApi();
  const packs = useResource(() => client.billing.packs.query(), "packs");
  return (
    <section className="panel" aria-labelledby="packs-admin-heading">
      <h2 id="packs-admin-heading">Credit packs</h2>
      <p className="muted">Shared by the whole installation. Prices are in cents, charged once.</p>
      <FormError message={packs.error} />
      {packs.data?.map((pack) => (
        <PackForm key={pack.id} pack={pack} onSaved={packs.reload} />
      ))}
      <PackForm
        pack={{ id: "", name: "", credits: 1000, priceCents: 1000, active: true }}
        onSaved={packs.reload}
      />
    </section>
  );
}

function PackForm({ pack, onSaved }: { pack: PackDraft; onSaved: () => void }) {
  const client = useApi();
  const isNew = pack.id === "";
  const [draft, setDraft] = useState(pack);
  const [saved, setSaved] = useState(false);
  const change = (patch: Partial<PackDraft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const save = useAction(async () => {
    await client.billing.updatePack.mutate(draft);
    setSaved(true);
    if (isNew) setDraft(pack);
    onSaved();
  });
  const title = isNew ? "New pack" : pack.name;
  return (
    <AdminForm
      label={isNew ? "New pack" : `Pack ${pack.name}`}
      heading={
        <>
          {title} {!isNew && <span className="muted">({pack.id})</span>}
        </>
      }
      error={save.error}
      submitLabel={isNew ? "Add pack" : `Save ${pack.name}`}
      submitDisabled={save.pending}
      onSubmit={() => void save.run()}
      note={saved && "Saved"}
    >
      <div className="admin-form-grid">
        {isNew && (
          <TextField
            label="Id"
            value={draft.id}
            required
            pattern="[a-z0-9-]+"
            hint="Lowercase letters, digits and dashes; cannot change later."
            onChange={(e) => change({ id: e.target.value })}
          />
        )}
        <TextField
          label="Name"
          value={draft.name}
          required
          onChange={(e) => change({ name: e.target.value })}
        />
        <TextField label="Credits" {...numberField(draft, "credits", change, 1)} />
        <TextField label="Price (cents)" {...numberField(draft, "priceCents", change, 1)} />
        <CheckboxField
          label="On sale"
          checked={draft.active}
          onChange={(checked) => change({ active: checked })}
        />
      </div>
    </AdminForm>
  );
}

import { useId, useState } from "react";
import { navigate } from "../router/navigation.ts";
import { pathOf } from "../router/routes.ts";
import { useOrgs } from "../session/OrgsContext.tsx";
import { CreateOrgForm } from "./CreateOrgForm.tsx";
import { Dialog } from "./Dialog.tsx";

export function OrgSwitcher({ currentOrgId }: { currentOrgId: string | null }) {
  const { orgs } = useOrgs();
  const [creating, setCreating] = useState(false);
  const selectId = useId();
  const known = orgs.some((org) => org.id === currentOrgId);

  return (
    <div className="org-switcher">
      <label htmlFor={selectId}>Organization</label>
      <select
        id={selectId}
        value={known && currentOrgId ? currentOrgId : ""}
        onChange={(e) => e.target.value && navigate(pathOf({ name: "org", orgId: e.target.value }))}
      >
        {!known && <option value="">Choose…</option>}
        {orgs.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
      <button type="button" className="button" onClick={() => setCreating(true)}>
        New organization
      </button>
      <Dialog open={creating} title="New organization" onClose={() => setCreating(false)}>
        <CreateOrgForm
          onCreated={(org) => {
            setCreating(false);
            navigate(pathOf({ name: "org", orgId: org.id }));
          }}
          onCancel={() => setCreating(false)}
        />
      </Dialog>
    </div>
  );
}

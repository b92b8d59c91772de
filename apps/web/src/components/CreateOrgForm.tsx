import type { OrgView } from "@atelier/shared";
import { useApi } from "../session/SessionContext.tsx";
import { useOrgs } from "../session/OrgsContext.tsx";
import { FormError } from "./FormError.tsx";
import { TextField } from "./TextField.tsx";
import { useNameForm } from "./useNameForm.ts";

interface CreateOrgFormProps {
  onCreated(org: OrgView): void;
  onCancel?: () => void;
}

export function CreateOrgForm({ onCreated, onCancel }: CreateOrgFormProps) {
  const client = useApi();
  const { add } = useOrgs();
  const { name, setName, nameError, action, submit } = useNameForm(
    (orgName) => client.orgs.create.mutate({ name: orgName }),
    "Give the organization a name.",
    (org) => {
      add(org);
      onCreated(org);
    },
  );

  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label="Create organization">
      <TextField
        label="Organization name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={100}
        autoFocus
        error={nameError}
      />
      <FormError message={action.error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {action.pending ? "Creating…" : "Create organization"}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

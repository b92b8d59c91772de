import type { OrgView } from "@atelier/shared";
import { type FormEvent, useState } from "react";
import { useAction } from "../api/useAction.ts";
import { useApi } from "../session/SessionContext.tsx";
import { useOrgs } from "../session/OrgsContext.tsx";
import { FormError } from "./FormError.tsx";
import { TextField } from "./TextField.tsx";

interface CreateOrgFormProps {
  onCreated(org: OrgView): void;
  onCancel?: () => void;
}

export function CreateOrgForm({ onCreated, onCancel }: CreateOrgFormProps) {
  const client = useApi();
  const { add } = useOrgs();
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string>();
  const action = useAction((orgName: string) => client.orgs.create.mutate({ name: orgName }));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError("Give the organization a name.");
      return;
    }
    setNameError(undefined);
    const org = await action.run(name.trim());
    if (!org) return;
    add(org);
    setName("");
    onCreated(org);
  };

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

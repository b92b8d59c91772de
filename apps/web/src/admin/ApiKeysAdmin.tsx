import type { OrgApiKeyView } from "@atelier/shared";
import { useState } from "react";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { SecretReveal } from "../components/SecretReveal.tsx";
import { TextField } from "../components/TextField.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { AdminForm } from "./AdminForm.tsx";
import { AdminTable } from "./AdminTable.tsx";
import { CheckboxGroup } from "./CheckboxGroup.tsx";

type Scope = "read" | "write" | "admin";
const scopeLabels: Record<Scope, string> = {
  read: "Read (see projects, assets, jobs)",
  write: "Write (upload, edit, run jobs)",
  admin: "Admin (settings, members, webhooks)",
};

const when = (iso: string | null, none: string) => (iso ? new Date(iso).toLocaleString() : none);

/**
 * The organization's API keys for the SDK, the CLI and scripts: each reaches this organization only,
 * with the scopes chosen here and at most its maker's role. A new key is shown once.
 */
export function ApiKeysAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const keys = useResource(() => client.apiKeys.list.query({ orgId }), orgId);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read", "write"]);
  const [expires, setExpires] = useState("");
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  const create = useAction(async () => {
    // A date means "through that day": the key stops at the end of it, in this browser's time zone.
    const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
    const key = await client.apiKeys.create.mutate({ orgId, name, scopes, expiresAt });
    setCreated({ name: key.name, key: key.key });
    setName("");
    setExpires("");
    keys.reload();
  });
  const revoke = useAction(async (key: OrgApiKeyView) => {
    if (!window.confirm(`Revoke "${key.name}"? Programs using it stop working at once.`)) return;
    await client.apiKeys.revoke.mutate({ orgId, apiKeyId: key.id });
    keys.reload();
  });

  return (
    <section className="panel" aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      <p className="muted">
        For the SDK, the command-line tool and scripts: send a key as <code>Authorization: Bearer …</code>. A
        key reaches this organization only, and stops working when it is revoked, when it expires, or when the
        person who made it leaves.
      </p>
      {created && (
        <SecretReveal
          label="New API key"
          secret={created.key}
          note={`Copy the key "${created.name}" now: it is stored only as a hash and will not be shown again.`}
          onDone={() => setCreated(null)}
        />
      )}
      <FormError message={keys.error ?? revoke.error} />
      <AdminTable
        label="API keys"
        columns={["Name", "Key", "Scopes", "Made by", "Expires", "Last used"]}
        rowActions
        rows={keys.data}
        empty="No API keys yet."
        renderRow={(key) => (
          <tr key={key.id} data-status={key.status}>
            <td>{key.name}</td>
            <td>
              <code>{key.prefix}…</code>
            </td>
            <td>{key.scopes.join(", ")}</td>
            <td>{key.createdBy.name}</td>
            <td>{key.status === "expired" ? <strong>Expired</strong> : when(key.expiresAt, "Never")}</td>
            <td>{when(key.lastUsedAt, "Not yet")}</td>
            <td className="admin-row-actions">
              <button
                type="button"
                className="button button-small button-danger"
                aria-label={`Revoke ${key.name}`}
                disabled={revoke.pending}
                onClick={() => void revoke.run(key)}
              >
                Revoke
              </button>
            </td>
          </tr>
        )}
      />
      <AdminForm
        label="Create API key"
        heading="Create a key"
        error={create.error}
        submitLabel="Create key"
        submitDisabled={create.pending || scopes.length === 0}
        onSubmit={() => void create.run()}
      >
        <div className="admin-form-grid">
          <TextField
            label="Key name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            hint="Where it is used, e.g. “CI” or “Nightly export”."
          />
          <TextField
            label="Expires on"
            type="date"
            value={expires}
            min={new Date().toISOString().slice(0, 10)}
            onChange={(e) => setExpires(e.target.value)}
            hint="Optional; empty for a key that never expires."
          />
        </div>
        <CheckboxGroup
          legend="Scopes"
          options={Object.keys(scopeLabels) as Scope[]}
          labels={scopeLabels}
          selected={scopes}
          onChange={setScopes}
        />
      </AdminForm>
    </section>
  );
}

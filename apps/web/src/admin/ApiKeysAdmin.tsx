import type { OrgApiKeyView } from "@atelier/shared";
import { type FormEvent, useState } from "react";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { CheckboxField } from "../components/CheckboxField.tsx";
import { FormError } from "../components/FormError.tsx";
import { SecretReveal } from "../components/SecretReveal.tsx";
import { TextField } from "../components/TextField.tsx";
import { useApi } from "../session/SessionContext.tsx";

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
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  const toggle = (scope: Scope, on: boolean) =>
    setScopes((list) => (on ? [...new Set([...list, scope])] : list.filter((s) => s !== scope)));

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
      {keys.data?.length === 0 && <p className="empty">No API keys yet.</p>}
      {(keys.data?.length ?? 0) > 0 && (
        <table className="admin-table" aria-label="API keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scopes</th>
              <th>Made by</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((key) => (
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
            ))}
          </tbody>
        </table>
      )}
      <form className="admin-form" aria-label="Create API key" onSubmit={onSubmit}>
        <h3>Create a key</h3>
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
        <fieldset className="scope-fields">
          <legend>Scopes</legend>
          {(Object.keys(scopeLabels) as Scope[]).map((scope) => (
            <CheckboxField
              key={scope}
              label={scopeLabels[scope]}
              checked={scopes.includes(scope)}
              onChange={(on) => toggle(scope, on)}
            />
          ))}
        </fieldset>
        <FormError message={create.error} />
        <div className="form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={create.pending || scopes.length === 0}
          >
            Create key
          </button>
        </div>
      </form>
    </section>
  );
}

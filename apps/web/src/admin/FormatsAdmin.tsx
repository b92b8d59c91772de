import { useState } from "react";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { TextField } from "../components/TextField.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { AdminForm } from "./AdminForm.tsx";

interface FormatDraft {
  slug: string;
  label: string;
  width: string;
  height: string;
}
const empty: FormatDraft = { slug: "", label: "", width: "1080", height: "1080" };

/** The organization's asset formats next to the built-in ones: add, edit, delete its own. */
export function FormatsAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const formats = useResource(() => client.settings.formats.query({ orgId }), orgId);
  const [draft, setDraft] = useState<FormatDraft>(empty);
  const [editing, setEditing] = useState<string | null>(null);
  const save = useAction(async (d: FormatDraft) => {
    await client.settings.saveFormat.mutate({
      orgId,
      slug: d.slug.trim(),
      label: d.label,
      width: Number(d.width),
      height: Number(d.height),
    });
    setDraft(empty);
    setEditing(null);
    formats.reload();
  });
  const remove = useAction(async (slug: string) => {
    await client.settings.deleteFormat.mutate({ orgId, slug });
    formats.reload();
  });
  const set = (field: keyof FormatDraft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [field]: e.target.value }));

  return (
    <section className="panel" aria-labelledby="formats-heading">
      <h2 id="formats-heading">Asset formats</h2>
      <p className="muted">
        Sizes the repurpose preset and the format gallery make. Built-in formats cannot be changed.
      </p>
      <FormError message={formats.error ?? remove.error} />
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Id</th>
            <th scope="col">Size</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(formats.data ?? []).map((f) => (
            <tr key={f.id} data-format-id={f.id}>
              <td>{f.label}</td>
              <td>
                <code>{f.id}</code>
              </td>
              <td>
                {f.width}×{f.height}
              </td>
              <td className="admin-row-actions">
                {f.builtIn ? (
                  <span className="muted">Built-in</span>
                ) : (
                  <>
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Edit ${f.label}`}
                      onClick={() => {
                        setEditing(f.id);
                        setDraft({
                          slug: f.id,
                          label: f.label,
                          width: String(f.width),
                          height: String(f.height),
                        });
                      }}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="button button-small button-danger"
                      aria-label={`Delete ${f.label}`}
                      onClick={() => void remove.run(f.id)}
                      disabled={remove.pending}
                    >
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <AdminForm
        label={editing ? "Edit format" : "Add format"}
        heading={editing ? `Edit ${editing}` : "Add a format"}
        error={save.error}
        submitLabel={editing ? "Save format" : "Add format"}
        submitDisabled={save.pending}
        onSubmit={() => void save.run(draft)}
        actions={
          editing && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setEditing(null);
                setDraft(empty);
              }}
            >
              Cancel
            </button>
          )
        }
      >
        <div className="admin-form-grid">
          <TextField
            label="Format id"
            value={draft.slug}
            onChange={set("slug")}
            readOnly={editing !== null}
            required
            hint="Lower-case letters, digits and dashes."
          />
          <TextField label="Format name" value={draft.label} onChange={set("label")} required />
          <TextField
            label="Width (px)"
            type="number"
            min={16}
            max={8192}
            value={draft.width}
            onChange={set("width")}
            required
          />
          <TextField
            label="Height (px)"
            type="number"
            min={16}
            max={8192}
            value={draft.height}
            onChange={set("height")}
            required
          />
        </div>
      </AdminForm>
    </section>
  );
}

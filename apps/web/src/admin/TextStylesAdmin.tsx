import { useEffect, useState } from "react";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { TextField } from "../components/TextField.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { AdminForm } from "./AdminForm.tsx";
import { TextStyleFields } from "./TextStyleFields.tsx";
import {
  draftOf,
  type StyleDraft,
  type StyleRole,
  styleOf,
  styleRoles,
  type TextStyle,
} from "./textStyleForm.ts";

type Drafts = Record<StyleRole, StyleDraft>;
const roleLabels: Record<StyleRole, string> = { title: "Title", subtitle: "Subtitle", body: "Body" };

/** Named text style sets (title, subtitle, body) that overlays in the editor can use. */
export function TextStylesAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const styles = useResource(() => client.settings.textStyles.query({ orgId }), orgId);
  const [selected, setSelected] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [drafts, setDrafts] = useState<Drafts | null>(null);

  const builtIn = styles.data?.builtIn as Record<StyleRole, TextStyle> | undefined;
  const sets = styles.data?.sets ?? [];
  const current = sets.find((s) => s.id === selected);

  useEffect(() => {
    if (!builtIn) return;
    const saved = current?.styles as Partial<Record<StyleRole, Partial<TextStyle>>> | undefined;
    setName(current?.name ?? "");
    setDrafts(
      Object.fromEntries(styleRoles.map((role) => [role, draftOf(saved?.[role], builtIn[role])])) as Drafts,
    );
  }, [builtIn, current]);

  const save = useAction(async () => {
    if (!drafts) return;
    const saved = await client.settings.saveTextStyles.mutate({
      orgId,
      name,
      styles: {
        title: styleOf(drafts.title),
        subtitle: styleOf(drafts.subtitle),
        body: styleOf(drafts.body),
      },
    });
    setSelected(saved.id);
    styles.reload();
  });
  const remove = useAction(async (styleSetId: string) => {
    await client.settings.deleteTextStyles.mutate({ orgId, styleSetId });
    setSelected(null);
    styles.reload();
  });

  return (
    <section className="panel" aria-labelledby="styles-heading">
      <h2 id="styles-heading">Text style sets</h2>
      <FormError message={styles.error ?? remove.error} />
      <div className="style-sets" role="toolbar" aria-label="Style sets">
        <button
          type="button"
          className="button button-small"
          aria-pressed={selected === null}
          onClick={() => setSelected(null)}
        >
          New style set
        </button>
        {sets.map((s) => (
          <button
            key={s.id}
            type="button"
            className="button button-small"
            aria-pressed={selected === s.id}
            onClick={() => setSelected(s.id)}
          >
            {s.name}
          </button>
        ))}
      </div>
      {drafts && (
        <AdminForm
          label="Text style set"
          error={save.error}
          submitLabel="Save style set"
          submitDisabled={save.pending}
          onSubmit={() => void save.run()}
          actions={
            current && (
              <button
                type="button"
                className="button button-danger"
                onClick={() => void remove.run(current.id)}
                disabled={remove.pending}
              >
                Delete {current.name}
              </button>
            )
          }
        >
          <TextField
            label="Style set name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            readOnly={!!current}
            required
            maxLength={64}
            hint={current ? "Saving replaces this set." : "Saving under an existing name replaces that set."}
          />
          {styleRoles.map((role) => (
            <TextStyleFields
              key={role}
              legend={roleLabels[role]}
              draft={drafts[role]}
              onChange={(draft) => setDrafts((d) => (d ? { ...d, [role]: draft } : d))}
            />
          ))}
        </AdminForm>
      )}
    </section>
  );
}

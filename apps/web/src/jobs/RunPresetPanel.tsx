import type { JobView } from "@atelier/shared";
import { type FormEvent, useEffect, useId, useMemo, useState } from "react";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { CheckboxField } from "../components/CheckboxField.tsx";
import { FormError } from "../components/FormError.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { ParamField } from "./ParamField.tsx";
import { buildParams, type FieldValue, fieldsOf, initialValues } from "./schemaForm.ts";
import "./jobs.css";

export interface RunPresetPanelProps {
  orgId: string;
  projectId: string;
  assetIds: string[];
  /** Preselects a preset by name. */
  initialPreset?: string;
  /** Called with the queued job; the project's stream reports the rest. */
  onSubmitted?(job: JobView): void;
  onCancel?(): void;
}

/** Choose a preset, fill in its parameters (a form made from its JSON Schema) and queue it on the assets. */
export function RunPresetPanel({
  orgId,
  projectId,
  assetIds,
  initialPreset,
  onSubmitted,
  onCancel,
}: RunPresetPanelProps) {
  const client = useApi();
  const presets = useResource(() => client.catalogue.presets.query(), "presets");
  // The organization's formats, offered as choices wherever a preset takes format names.
  const formats = useResource(() => client.settings.formats.query({ orgId }), orgId);
  const [name, setName] = useState(initialPreset ?? "");
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [originals, setOriginals] = useState(false);
  const selectId = useId();

  const preset = presets.data?.find((p) => p.name === name);
  const fields = useMemo(() => fieldsOf(preset?.params), [preset]);
  useEffect(() => {
    const first = presets.data?.find((p) => p.availability.available);
    if (!name && first) setName(first.name);
  }, [name, presets.data]);
  const unavailable = presets.data?.filter((p) => !p.availability.available) ?? [];
  useEffect(() => {
    setValues(initialValues(fields));
    setErrors({});
  }, [fields]);

  // The price before submitting: the same input as the job, quoted by the server.
  const [quote, setQuote] = useState<string | null>(null);
  useEffect(() => {
    if (!preset?.availability.available || assetIds.length === 0) return setQuote(null);
    const built = buildParams(fields, values);
    if (Object.keys(built.errors).length > 0) return setQuote(null);
    const timer = setTimeout(() => {
      client.jobs.quote
        .query({
          projectId,
          assetIds,
          preset: name,
          params: built.params,
          source: originals ? "original" : "edited",
        })
        .then(
          (q) =>
            setQuote(
              `Costs ${q.credits} ${q.credits === 1 ? "credit" : "credits"}; your organization has ${q.balance.credits}.`,
            ),
          () => setQuote(null),
        );
    }, 250);
    return () => clearTimeout(timer);
  }, [client, preset, fields, values, originals, name, projectId, assetIds]);

  const submit = useAction(async (params: Record<string, unknown>) => {
    const job = await client.jobs.create.mutate({
      projectId,
      assetIds,
      preset: name,
      params,
      source: originals ? "original" : "edited",
    });
    onSubmitted?.(job);
    return job;
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const built = buildParams(fields, values);
    setErrors(built.errors);
    if (Object.keys(built.errors).length === 0) void submit.run(built.params);
  };

  const count = assetIds.length;
  return (
    <form className="run-preset" aria-label="Run a preset" onSubmit={onSubmit}>
      <FormError message={presets.error} />
      <div className="field">
        <label htmlFor={selectId}>Preset</label>
        <select id={selectId} value={name} onChange={(e) => setName(e.target.value)} disabled={!presets.data}>
          {!presets.data && <option value="">Loading presets…</option>}
          {presets.data?.map((p) => (
            <option key={p.name} value={p.name} disabled={!p.availability.available}>
              {p.availability.available ? p.name : `${p.name} (unavailable)`}
            </option>
          ))}
        </select>
        {preset && <p className="field-hint">{preset.description}</p>}
        {unavailable.length > 0 && (
          <ul className="field-hint unavailable-presets" aria-label="Unavailable presets">
            {unavailable.map((p) => (
              <li key={p.name}>
                <strong>{p.name}</strong> cannot run here:{" "}
                {p.availability.available ? "" : p.availability.reason}
              </li>
            ))}
          </ul>
        )}
      </div>
      {fields.length > 0 && (
        <fieldset className="param-fields">
          <legend>Parameters</legend>
          {fields.map((field) => (
            <ParamField
              key={`${name}:${field.name}`}
              field={field}
              value={values[field.name] ?? field.default ?? ""}
              error={errors[field.name]}
              choices={field.name === "formats" ? formats.data : undefined}
              onChange={(value) => setValues((v) => ({ ...v, [field.name]: value }))}
            />
          ))}
        </fieldset>
      )}
      <CheckboxField
        label="Run on the originals, ignoring crops, adjustments and text"
        checked={originals}
        onChange={setOriginals}
      />
      {quote && (
        <p className="field-hint run-price" role="status">
          {quote}
        </p>
      )}
      <FormError message={submit.error} />
      <div className="form-actions">
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button
          type="submit"
          className="button button-primary"
          disabled={!preset?.availability.available || count === 0 || submit.pending}
        >
          {submit.pending ? "Queuing…" : `Run on ${count} ${count === 1 ? "image" : "images"}`}
        </button>
      </div>
    </form>
  );
}

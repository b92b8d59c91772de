import { useId } from "react";
import type { Field, FieldValue } from "./schemaForm.ts";

/** Named things a list parameter must choose from (the organization's formats). */
export interface Choice {
  id: string;
  label: string;
  width: number;
  height: number;
}

interface ParamFieldProps {
  field: Field;
  value: FieldValue;
  error: string | undefined;
  choices?: Choice[];
  onChange(value: FieldValue): void;
}

/** One preset parameter, as the control its JSON Schema calls for. */
export function ParamField({ field, value, error, choices, onChange }: ParamFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? errorId : undefined,
  };
  const optional = field.optional ? <span className="muted"> (optional)</span> : null;
  if (field.kind === "list" && choices) {
    return (
      <ChoiceList field={field} value={String(value)} error={error} choices={choices} onChange={onChange} />
    );
  }

  if (field.kind === "checkbox") {
    return (
      <div className="field field-check">
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
        />
        <label htmlFor={id}>{field.label}</label>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {field.label}
        {optional}
      </label>
      {control(field, value, common, onChange)}
      {field.kind === "list" && <p className="field-hint">Separate several with commas.</p>}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

function control(
  field: Field,
  value: FieldValue,
  common: { id: string },
  onChange: (value: FieldValue) => void,
) {
  switch (field.kind) {
    case "select":
      return (
        <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
          {field.optional && <option value="">Default</option>}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case "range": {
      const shown = value === "" ? (field.default ?? field.min) : Number(value);
      return (
        <div className="range-row">
          <input
            {...common}
            type="range"
            min={field.min}
            max={field.max}
            step={field.step}
            value={shown}
            onChange={(e) => onChange(Number(e.target.value))}
          />
          <output htmlFor={common.id} className="range-value">
            {value === "" ? "default" : shown}
          </output>
        </div>
      );
    }
    case "number":
      return (
        <input
          {...common}
          type="number"
          inputMode="decimal"
          min={field.min ?? undefined}
          max={field.max ?? undefined}
          step={field.step}
          value={String(value)}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case "colour":
      return (
        <input {...common} type="color" value={String(value)} onChange={(e) => onChange(e.target.value)} />
      );
    default:
      return (
        <input
          {...common}
          type="text"
          value={String(value)}
          maxLength={field.kind === "text" ? (field.maxLength ?? undefined) : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
}

/** A list of names picked from what exists, so a typo cannot reach the server: one checkbox per choice. */
function ChoiceList({
  field,
  value,
  error,
  choices,
  onChange,
}: {
  field: Field;
  value: string;
  error: string | undefined;
  choices: Choice[];
  onChange(value: FieldValue): void;
}) {
  const id = useId();
  const picked = new Set(
    value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const toggle = (choice: string, on: boolean) => {
    const next = choices.map((c) => c.id).filter((c) => (c === choice ? on : picked.has(c)));
    onChange(next.join(","));
  };
  return (
    <fieldset className="field choice-list" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>
        {field.label}
        {field.optional && <span className="muted"> (all when none is ticked)</span>}
      </legend>
      <div className="choice-grid">
        {choices.map((choice) => (
          <label key={choice.id} className="choice">
            <input
              type="checkbox"
              checked={picked.has(choice.id)}
              onChange={(e) => toggle(choice.id, e.target.checked)}
            />
            {choice.label} <span className="muted">{`${choice.width}×${choice.height}`}</span>
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

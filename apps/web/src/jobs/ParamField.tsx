import { useId } from "react";
import type { Field, FieldValue } from "./schemaForm.ts";

interface ParamFieldProps {
  field: Field;
  value: FieldValue;
  error: string | undefined;
  onChange(value: FieldValue): void;
}

/** One preset parameter, as the control its JSON Schema calls for. */
export function ParamField({ field, value, error, onChange }: ParamFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? errorId : undefined,
  };
  const optional = field.optional ? <span className="muted"> (optional)</span> : null;

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

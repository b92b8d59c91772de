/**
 * Turns a preset's parameters (JSON Schema, as `catalogue.presets` sends them) into form fields,
 * and the form's values back into the params `jobs.create` takes. Only what presets use is
 * mapped: enums, numbers with bounds, booleans, strings (colours get a colour picker) and lists
 * of strings; anything else becomes a text field of JSON.
 */

export type FieldValue = string | number | boolean;

interface FieldBase {
  name: string;
  label: string;
  /** Optional with no default: left out of the params when empty. */
  optional: boolean;
}

export type Field =
  | (FieldBase & { kind: "select"; options: string[]; default: string })
  | (FieldBase & {
      kind: "range";
      min: number;
      max: number;
      step: number;
      default: number | null;
    })
  | (FieldBase & {
      kind: "number";
      min: number | null;
      max: number | null;
      step: number | "any";
      default: number | null;
    })
  | (FieldBase & { kind: "checkbox"; default: boolean })
  | (FieldBase & { kind: "colour"; default: string })
  | (FieldBase & { kind: "text"; pattern: string | null; maxLength: number | null; default: string })
  | (FieldBase & { kind: "list"; default: string })
  | (FieldBase & { kind: "json"; default: string });

type Schema = Record<string, unknown>;

const colourPattern = /^\^#\[0-9a-fA-F\]\{6\}\$$/;

export function fieldsOf(schema: unknown): Field[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(schema.properties).flatMap(([name, prop]) =>
    isObject(prop) ? [fieldOf(name, prop, required.has(name))] : [],
  );
}

function fieldOf(name: string, prop: Schema, required: boolean): Field {
  const base = { name, label: labelOf(name), optional: !required && prop.default === undefined };
  const type = prop.type;
  if (Array.isArray(prop.enum) && prop.enum.every((v) => typeof v === "string")) {
    const options = prop.enum as string[];
    return {
      ...base,
      kind: "select",
      options,
      default: str(prop.default) ?? (base.optional ? "" : options[0]!),
    };
  }
  if (type === "number" || type === "integer") {
    const min = num(prop.minimum);
    const max = num(prop.maximum);
    const def = num(prop.default);
    if (min !== null && max !== null && max - min <= 1000) {
      const step = type === "integer" ? 1 : niceStep(max - min);
      return { ...base, kind: "range", min, max, step, default: def };
    }
    return { ...base, kind: "number", min, max, step: type === "integer" ? 1 : "any", default: def };
  }
  if (type === "boolean") return { ...base, kind: "checkbox", default: prop.default === true };
  if (type === "string") {
    const pattern = str(prop.pattern);
    const def = str(prop.default) ?? "";
    if (pattern && colourPattern.test(pattern)) return { ...base, kind: "colour", default: def || "#000000" };
    return { ...base, kind: "text", pattern, maxLength: num(prop.maxLength), default: def };
  }
  if (type === "array" && isObject(prop.items) && prop.items.type === "string") {
    const def = Array.isArray(prop.default) ? prop.default.join(", ") : "";
    return { ...base, kind: "list", default: def };
  }
  return { ...base, kind: "json", default: prop.default === undefined ? "" : JSON.stringify(prop.default) };
}

export function initialValues(fields: Field[]): Record<string, FieldValue> {
  return Object.fromEntries(fields.map((f) => [f.name, f.default ?? ""]));
}

export interface BuiltParams {
  params: Record<string, unknown>;
  /** Field name → a sentence; empty when the params can be sent. */
  errors: Record<string, string>;
}

/** The params to send: numbers parsed and checked against their bounds, empty optional fields left out. */
export function buildParams(fields: Field[], values: Record<string, FieldValue>): BuiltParams {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name] ?? field.default ?? "";
    if (field.kind === "checkbox") {
      params[field.name] = value === true;
      continue;
    }
    const text = String(value).trim();
    if (text === "") {
      if (!field.optional && field.kind !== "text") errors[field.name] = `Enter a value for ${field.label}.`;
      else if (!field.optional) params[field.name] = "";
      continue;
    }
    switch (field.kind) {
      case "range":
      case "number": {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[field.name] = `${field.label} must be a number.`;
        else if (field.min !== null && n < field.min)
          errors[field.name] = `${field.label} is at least ${field.min}.`;
        else if (field.max !== null && n > field.max)
          errors[field.name] = `${field.label} is at most ${field.max}.`;
        else if (field.step === 1 && !Number.isInteger(n))
          errors[field.name] = `${field.label} is a whole number.`;
        else params[field.name] = n;
        break;
      }
      case "list":
        params[field.name] = text
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case "json":
        try {
          params[field.name] = JSON.parse(text);
        } catch {
          errors[field.name] = `${field.label} must be valid JSON.`;
        }
        break;
      case "text":
        if (field.pattern && !new RegExp(field.pattern, "u").test(text)) {
          errors[field.name] = `${field.label} has an unexpected format.`;
        } else params[field.name] = text;
        break;
      default:
        params[field.name] = text;
    }
  }
  return { params, errors };
}

/** "fillColour" → "Fill colour", "maxSize" → "Max size". */
export function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[-_]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

function niceStep(span: number): number {
  if (span <= 1) return 0.01;
  if (span <= 10) return 0.1;
  return 1;
}

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

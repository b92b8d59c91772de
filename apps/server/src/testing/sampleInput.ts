import { randomUUID } from "node:crypto";
import type { z } from "zod";

type Def = { type: string; [k: string]: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * A valid value for a zod schema, taking named fields from `fields` first: lets a test call every procedure
 * of the router with inputs that pass validation and point at the resources it chooses.
 */
export function sampleInput(schema: z.ZodType, fields: Record<string, unknown>, key?: string): unknown {
  if (key && key in fields) return fields[key];
  const def = defOf(schema);
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, z.ZodType>;
      return Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, sampleInput(s, fields, k)]));
    }
    case "string":
      if (def.format === "email") return "someone@example.com";
      if (def.format === "uuid") return randomUUID();
      if (def.format === "url") return "https://example.com/";
      return "sample text";
    case "number":
      return 1;
    case "boolean":
      return false;
    case "enum":
      return Object.values(def.entries as Record<string, string>)[0];
    case "literal":
      return (def.values as unknown[])[0];
    case "array":
      return [sampleInput(def.element as z.ZodType, fields)];
    case "record":
      return {};
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
      return sampleInput(def.innerType as z.ZodType, fields, key);
    case "pipe":
      return sampleInput(def.in as z.ZodType, fields, key);
    case "union":
    case "discriminatedUnion":
      return sampleInput((def.options as z.ZodType[])[0]!, fields, key);
    case "unknown":
    case "any":
      return {};
    default:
      throw new Error(`sampleInput: no sample for zod type "${def.type}"${key ? ` at ${key}` : ""}`);
  }
}

/** Every input schema of a procedure merged into one sample object. */
export function sampleProcedureInput(inputs: z.ZodType[], fields: Record<string, unknown>): unknown {
  if (inputs.length === 0) return undefined;
  return Object.assign({}, ...inputs.map((s) => sampleInput(s, fields)));
}

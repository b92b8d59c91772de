import { z } from "zod";

type JsonSchema = Record<string, unknown>;

function walk(schema: JsonSchema, path: string, out: string[]): string[] {
  const types = ([] as unknown[]).concat(schema.type ?? []);
  const bounded = (...keys: string[]) => keys.some((k) => schema[k] !== undefined);
  if (types.includes("string") && !bounded("maxLength", "enum", "const", "format"))
    out.push(`${path}: string without maxLength`);
  if (types.includes("number") || types.includes("integer")) {
    if (!bounded("maximum", "exclusiveMaximum")) out.push(`${path}: number without maximum`);
    if (!bounded("minimum", "exclusiveMinimum")) out.push(`${path}: number without minimum`);
  }
  if (types.includes("array") && !bounded("maxItems")) out.push(`${path}: array without maxItems`);
  const open = schema.additionalProperties;
  if (types.includes("object") && open !== undefined && open !== false && !bounded("maxProperties"))
    out.push(`${path}: open object without maxProperties`);
  for (const [key, child] of Object.entries((schema.properties as Record<string, JsonSchema>) ?? {}))
    walk(child, `${path}.${key}`, out);
  if (schema.items && typeof schema.items === "object") walk(schema.items as JsonSchema, `${path}[]`, out);
  if (open && typeof open === "object") walk(open as JsonSchema, `${path}{}`, out);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    for (const [i, child] of ((schema[key] as JsonSchema[]) ?? []).entries())
      walk(child, `${path}|${i}`, out);
  }
  return out;
}

/**
 * Every place in a zod schema where a client could send a value as large as it likes: a string
 * without a maximum length, a number without both bounds, an array without a maximum count, a
 * map without a maximum size. Tests walk every input schema with it.
 */
export function unboundedPlaces(schema: z.ZodType, name: string): string[] {
  return walk(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema, name, []);
}

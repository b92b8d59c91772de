import type { PresetDescription } from "@atelier/pipeline";

interface JsonSchemaProperty {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  items?: JsonSchemaProperty;
  anyOf?: JsonSchemaProperty[];
}

/** `atelier presets`: each preset, whether it runs here (and why not), and its parameters. */
export function presetList(presets: readonly PresetDescription[]): string {
  return presets
    .map((p) => {
      const status = p.availability.available ? "" : `  [unavailable: ${p.availability.reason}]`;
      const schema = p.params as { properties?: Record<string, JsonSchemaProperty> };
      const params = Object.entries(schema.properties ?? {}).map(
        ([name, prop]) => `    --param ${name}=${describeValue(prop)}`,
      );
      return [`${p.name.padEnd(18)} ${p.description}${status}`, ...params].join("\n");
    })
    .join("\n");
}

function describeValue(prop: JsonSchemaProperty): string {
  const base = prop.anyOf?.find((p) => p.type !== "null") ?? prop;
  let shape: string;
  if (base.enum) shape = base.enum.join("|");
  else if (base.type === "array") shape = `${base.items?.enum ? base.items.enum.join("|") : "a"},b,…`;
  else if (base.type === "number" || base.type === "integer")
    shape =
      base.minimum !== undefined && base.maximum !== undefined
        ? `${base.minimum}..${base.maximum}`
        : "number";
  else if (base.type === "boolean") shape = "true|false";
  else shape = "text";
  const fallback = prop.default ?? base.default;
  return fallback === undefined ? shape : `${shape} (default ${JSON.stringify(fallback)})`;
}

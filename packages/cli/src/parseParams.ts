import { AppError } from "@atelier/shared";

/**
 * `--param key=value` pairs as a params object. Values read as JSON when they parse
 * (numbers, true/false, quoted strings, arrays, objects), otherwise as plain text.
 * Dotted keys build nested objects: `shadow.opacity=0.5`.
 */
export function parseParams(pairs: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new AppError("VALIDATION_ERROR", `--param "${pair}" is not key=value.`, { path: ["param"] });
    }
    const keys = pair.slice(0, eq).split(".");
    if (keys.some((k) => !/^[A-Za-z_][\w-]*$/.test(k))) {
      throw new AppError("VALIDATION_ERROR", `--param key "${pair.slice(0, eq)}" is not a name.`, {
        path: ["param"],
      });
    }
    let target = params;
    for (const key of keys.slice(0, -1)) {
      if (!target[key] || typeof target[key] !== "object") target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[keys.at(-1)!] = readValue(pair.slice(eq + 1));
  }
  return params;
}

function readValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

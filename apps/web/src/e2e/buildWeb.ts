import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { webRoot } from "./repoPaths.ts";

/** Builds apps/web/dist unless it is newer than every source file, index.html and the Vite config. */
export function buildWebIfStale(): void {
  const built = join(webRoot, "dist", "index.html");
  if (existsSync(built)) {
    const builtAt = statSync(built).mtimeMs;
    const inputs = [
      join(webRoot, "index.html"),
      join(webRoot, "vite.config.ts"),
      ...filesUnder(join(webRoot, "src")),
    ];
    if (inputs.every((file) => statSync(file).mtimeMs <= builtAt)) return;
  }
  execFileSync(join(webRoot, "..", "..", "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"], {
    cwd: webRoot,
    // Vitest sets NODE_ENV=test, which would bundle React's development build.
    env: { ...process.env, NODE_ENV: "production" },
    stdio: "inherit",
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

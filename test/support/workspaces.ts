import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Workspace {
  name: string;
  dir: string;
  exports: Record<string, string>;
}

/** The workspaces of the repository at `root`, read from its package.json `workspaces` globs (`dir/*`). */
export function readWorkspaces(root: string): Workspace[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    workspaces: string[];
  };
  return workspaces.flatMap((pattern) => {
    const parent = join(root, pattern.replace(/\/\*$/, ""));
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(parent, entry.name, "package.json")))
      .map((entry) => {
        const dir = join(parent, entry.name);
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
          name: string;
          exports?: Record<string, string>;
        };
        return { name: pkg.name, dir, exports: pkg.exports ?? {} };
      });
  });
}

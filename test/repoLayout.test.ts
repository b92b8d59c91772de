import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readWorkspaces } from "./support/workspaces.ts";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const workspaces = readWorkspaces(repoRoot).map((w) => relative(repoRoot, w.dir));
const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");

/** Folders that tools write and git ignores; nothing in them is the project's own text. */
const generated = new Set(["node_modules", ".git", "dist", ".turbo", "test-results", ".atelier", "coverage"]);
const textFile = /\.(ts|tsx|mjs|js|json|md|sh|yml|yaml|sql)$/;

function projectFiles(dir = repoRoot): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (generated.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return projectFiles(path);
    return textFile.test(entry.name) && entry.name !== "package-lock.json" ? [relative(repoRoot, path)] : [];
  });
}

describe("the repository", () => {
  it("has the workspaces it is expected to have", () => {
    expect(workspaces).toContain("packages/shared");
    expect(workspaces).toContain("apps/server");
  });

  it.each(workspaces)("%s has a CONTEXT.md", (workspace) => {
    expect(existsSync(join(repoRoot, workspace, "CONTEXT.md"))).toBe(true);
  });

  it("lists every workspace in the README's layout table and in the root tsconfig.json", () => {
    const readme = read("README.md");
    const tsconfig = read("tsconfig.json");
    const missing = workspaces.flatMap((workspace) => [
      ...(readme.includes(`| \`${workspace}\` |`) ? [] : [`README.md: ${workspace}`]),
      ...(tsconfig.includes(`"./${workspace}"`) ? [] : [`tsconfig.json: ${workspace}`]),
    ]);
    expect(missing).toEqual([]);
  });

  it("stands alone: no file points at folders beside the checkout", () => {
    // Built from parts so that this file does not match itself.
    const outside = new RegExp(["\\.\\./", "shared\\b", "|", "/work/", "shared"].join(""));
    const offenders = projectFiles().filter((path) => outside.test(read(path)));
    expect(offenders).toEqual([]);
  });
});

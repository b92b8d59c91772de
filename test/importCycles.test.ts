import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildImportGraph, findCycles } from "./support/importGraph.ts";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** Loops already known, each to be cut by the work that owns its files; the list may only shrink. */
const knownCycles: string[] = [];

describe("import cycles", () => {
  it("no source file of any workspace reaches itself through its imports", () => {
    const graph = buildImportGraph(repoRoot);
    expect(graph.size).toBeGreaterThan(100);
    const cycles = findCycles(graph).map((cycle) => cycle.join(" → "));
    const added = cycles.filter((cycle) => !knownCycles.includes(cycle));
    expect(added, "import cycles (move what both sides need into a third file)").toEqual([]);
    const cut = knownCycles.filter((cycle) => !cycles.includes(cycle));
    expect(cut, "known cycles that are gone: take them off knownCycles").toEqual([]);
  });

  describe("on a small repository", () => {
    const root = mkdtempSync(join(tmpdir(), "atelier-cycles-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write("package.json", JSON.stringify({ workspaces: ["packages/*"] }));
    write("packages/a/package.json", JSON.stringify({ name: "@x/a", exports: { ".": "./src/index.ts" } }));
    write("packages/b/package.json", JSON.stringify({ name: "@x/b", exports: { ".": "./src/index.ts" } }));
    write("packages/a/src/index.ts", 'export { one } from "./one.ts";\n');
    write("packages/a/src/one.ts", 'import { two } from "./two.ts";\nexport const one = () => two();\n');
    write("packages/a/src/two.ts", 'import { b } from "@x/b";\nexport const two = () => b;\n');
    write("packages/b/src/index.ts", 'import { one } from "@x/a";\nexport const b = one;\n');
    write("packages/b/src/types.ts", 'import type { Kind } from "./kinds.ts";\nexport type T = Kind;\n');
    write("packages/b/src/kinds.ts", 'export type Kind = import("./types.ts").T;\n');
    write("packages/b/src/lazy.ts", 'export const load = () => import("./late.ts");\n');
    write("packages/b/src/late.ts", 'import { load } from "./lazy.ts";\nexport const again = load;\n');

    it("finds loops across packages, through types and through lazy imports, naming their files in order", () => {
      expect(findCycles(buildImportGraph(root))).toEqual([
        [
          "packages/a/src/index.ts",
          "packages/a/src/one.ts",
          "packages/a/src/two.ts",
          "packages/b/src/index.ts",
          "packages/a/src/index.ts",
        ],
        ["packages/b/src/kinds.ts", "packages/b/src/types.ts", "packages/b/src/kinds.ts"],
        ["packages/b/src/late.ts", "packages/b/src/lazy.ts", "packages/b/src/late.ts"],
      ]);
    });

    it("finds nothing once the loop is cut", () => {
      write("packages/b/src/index.ts", "export const b = 1;\n");
      write("packages/b/src/kinds.ts", 'export type Kind = "a" | "b";\n');
      write("packages/b/src/late.ts", "export const again = 1;\n");
      expect(findCycles(buildImportGraph(root))).toEqual([]);
    });
  });
});

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { readWorkspaces, type Workspace } from "./workspaces.ts";

/** File → the files it imports or re-exports from (paths relative to the repository root). */
export type ImportGraph = Map<string, string[]>;

const sourceFile = /\.(ts|tsx)$/;

function listSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && sourceFile.test(entry.name) && !entry.name.endsWith(".d.ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The specifiers a file imports: `import` and `export ... from` statements, `import()` calls and
 * `import("...")` types. Type-only and lazy imports count: a loop of them still ties the files into one
 * piece that cannot be understood or moved apart.
 */
export function importedSpecifiers(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    let specifier: ts.Node | undefined;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) specifier = node.moduleSpecifier;
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      specifier = node.arguments[0];
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      specifier = node.argument.literal;
    }
    if (specifier && ts.isStringLiteral(specifier)) specifiers.push(specifier.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

function resolveSpecifier(from: string, specifier: string, workspaces: Workspace[]): string | undefined {
  if (specifier.startsWith(".")) {
    const target = resolve(dirname(from), specifier);
    return [target, `${target}.ts`, `${target}.tsx`, join(target, "index.ts")].find((p) => existsSync(p));
  }
  const workspace = workspaces.find((w) => specifier === w.name || specifier.startsWith(`${w.name}/`));
  if (!workspace) return undefined;
  const entry = workspace.exports[`.${specifier.slice(workspace.name.length)}`];
  return entry ? join(workspace.dir, entry) : undefined;
}

/** The import graph of every source file under each workspace's `src` and `bin`, across workspaces. */
export function buildImportGraph(root: string): ImportGraph {
  const workspaces = readWorkspaces(root);
  const files = workspaces.flatMap((w) => [
    ...listSources(join(w.dir, "src")),
    ...listSources(join(w.dir, "bin")),
  ]);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const targets = importedSpecifiers(file)
      .map((specifier) => resolveSpecifier(file, specifier, workspaces))
      .filter((target): target is string => target !== undefined);
    graph.set(relative(root, file), [...new Set(targets.map((target) => relative(root, target)))]);
  }
  return graph;
}

/**
 * Every cycle, one per strongly connected component (Tarjan), each given as a path that starts and
 * ends at the same file: `a.ts → b.ts → a.ts`.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;

  const visit = (node: string): void => {
    index.set(node, counter);
    lowLink.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfImport = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfImport) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);

  return components.map((component) => cyclePath(graph, new Set(component)));
}

/** One concrete loop through a component, found breadth-first from its first file in sort order. */
function cyclePath(graph: ImportGraph, component: Set<string>): string[] {
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

import type { EditOp } from "./editOps.ts";

export type EditDocumentJson = Record<string, unknown>;

type Container = Record<string, unknown> | Array<{ id: string } & Record<string, unknown>>;

function childOf(container: Container, step: string): unknown {
  return Array.isArray(container) ? container.find((item) => item.id === step) : container[step];
}

function copyOf(value: unknown): Container | undefined {
  if (Array.isArray(value)) return [...value];
  if (value && typeof value === "object") return { ...(value as Record<string, unknown>) };
  return undefined;
}

/**
 * Returns a new document with the operation applied; the input is never changed. An operation whose target
 * is gone (an overlay another person removed) changes nothing: that is how concurrent edits converge without
 * transforming operations, as long as everyone applies them in the server's order.
 */
export function applyEditOp(doc: EditDocumentJson, op: EditOp): EditDocumentJson {
  const root: EditDocumentJson = { ...doc };
  const containerPath = op.kind === "set" ? op.path.slice(0, -1) : op.path;
  let parent: Container = root;
  for (const step of containerPath) {
    let child = copyOf(childOf(parent, step));
    if (!child) {
      // A set may create the objects on its way ({} or, for "overlays", []); other ops need the target.
      if (op.kind !== "set" && step !== containerPath.at(-1)) return doc;
      if (Array.isArray(parent)) return doc;
      child = op.kind !== "set" && step === containerPath.at(-1) ? [] : {};
    }
    if (Array.isArray(parent)) {
      const index = parent.findIndex((item) => item.id === step);
      parent[index] = child as { id: string };
    } else parent[step] = child;
    parent = child;
  }

  if (op.kind === "set") {
    const key = op.path.at(-1)!;
    if (Array.isArray(parent)) return doc;
    if (op.value === undefined) delete parent[key];
    else parent[key] = op.value;
  } else if (op.kind === "insert") {
    if (!Array.isArray(parent)) return doc;
    const existing = parent.findIndex((item) => item.id === op.value.id);
    if (existing >= 0) parent[existing] = op.value;
    else parent.push(op.value);
  } else {
    if (!Array.isArray(parent)) return doc;
    const index = parent.findIndex((item) => item.id === op.id);
    if (index < 0) return doc;
    parent.splice(index, 1);
  }
  return root;
}

export function applyEditOps(doc: EditDocumentJson, ops: readonly EditOp[]): EditDocumentJson {
  return ops.reduce(applyEditOp, doc);
}

function valueAt(doc: EditDocumentJson, path: readonly string[]): unknown {
  let node: unknown = doc;
  for (const step of path) {
    if (!node || typeof node !== "object") return undefined;
    node = childOf(node as Container, step);
  }
  return node;
}

/** The operations that undo `ops` when applied right after them on `before` (the document they were applied to). */
export function invertEditOps(before: EditDocumentJson, ops: readonly EditOp[]): EditOp[] {
  const inverse: EditOp[] = [];
  let doc = before;
  for (const op of ops) {
    if (op.kind === "set") inverse.unshift({ kind: "set", path: op.path, value: valueAt(doc, op.path) });
    else if (op.kind === "insert") {
      const previous = valueAt(doc, [...op.path, op.value.id]);
      inverse.unshift(
        previous
          ? { kind: "insert", path: op.path, value: previous as { id: string } }
          : { kind: "remove", path: op.path, id: op.value.id },
      );
    } else {
      const removed = valueAt(doc, [...op.path, op.id]);
      if (removed) inverse.unshift({ kind: "insert", path: op.path, value: removed as { id: string } });
    }
    doc = applyEditOp(doc, op);
  }
  return inverse;
}

import type { EditOp } from "@atelier/shared";

/**
 * Drops `set`s that a later `set` of the same path overrides, so a drag of 100 steps sends one value.
 * Inserts and removes are kept in order; a set is never moved across one of them.
 */
export function mergeOps(ops: readonly EditOp[]): EditOp[] {
  const out: EditOp[] = [];
  for (const op of ops) {
    if (op.kind === "set") {
      const key = op.path.join("\u0000");
      let i = out.length - 1;
      while (i >= 0 && out[i]!.kind === "set") {
        const prior = out[i]!;
        if (prior.kind === "set" && prior.path.join("\u0000") === key) {
          out.splice(i, 1);
          break;
        }
        i--;
      }
    }
    out.push(op);
  }
  return out;
}

import { describe, expect, it } from "vitest";
import { applyEditOp, applyEditOps, invertEditOps } from "./applyEditOps.ts";
import type { EditOp } from "./editOps.ts";

const overlay = (id: string, text: string) => ({ id, text, x: 0.1, y: 0.1 });

describe("edit operations", () => {
  it("sets nested fields without touching the input document", () => {
    const doc = { adjustments: { brightness: 1.2 } };
    const next = applyEditOp(doc, { kind: "set", path: ["adjustments", "contrast"], value: 1.5 });
    expect(next).toEqual({ adjustments: { brightness: 1.2, contrast: 1.5 } });
    expect(doc).toEqual({ adjustments: { brightness: 1.2 } });
  });

  it("addresses overlays by id, so concurrent inserts and removals do not shift edits", () => {
    let doc = applyEditOps({}, [
      { kind: "insert", path: ["overlays"], value: overlay("a", "Sale") },
      { kind: "insert", path: ["overlays"], value: overlay("b", "Today") },
    ]);
    doc = applyEditOp(doc, { kind: "remove", path: ["overlays"], id: "a" });
    doc = applyEditOp(doc, { kind: "set", path: ["overlays", "b", "text"], value: "Tomorrow" });
    expect(doc.overlays).toEqual([overlay("b", "Tomorrow")]);
  });

  it("ignores an edit whose overlay is gone, so every replica ends the same", () => {
    const doc = applyEditOp({}, { kind: "insert", path: ["overlays"], value: overlay("a", "Hi") });
    const removed = applyEditOp(doc, { kind: "remove", path: ["overlays"], id: "a" });
    expect(applyEditOp(removed, { kind: "set", path: ["overlays", "a", "text"], value: "late" })).toEqual(
      removed,
    );
  });

  it("gives the same document in either order when two people edit different fields", () => {
    const base = applyEditOp({}, { kind: "insert", path: ["overlays"], value: overlay("t", "Title") });
    const alice: EditOp[] = [{ kind: "set", path: ["crop"], value: { x: 0, y: 0, width: 0.5, height: 0.5 } }];
    const bob: EditOp[] = [{ kind: "set", path: ["overlays", "t", "text"], value: "New title" }];
    const aliceFirst = applyEditOps(applyEditOps(base, alice), bob);
    expect(applyEditOps(applyEditOps(base, bob), alice)).toEqual(aliceFirst);
    expect(aliceFirst).toMatchObject({ crop: { width: 0.5 }, overlays: [{ text: "New title" }] });
  });

  it("inverts operations for undo", () => {
    const before = applyEditOps({}, [
      { kind: "insert", path: ["overlays"], value: overlay("a", "One") },
      { kind: "set", path: ["adjustments", "brightness"], value: 1.1 },
    ]);
    const ops: EditOp[] = [
      { kind: "set", path: ["adjustments", "brightness"], value: 2 },
      { kind: "remove", path: ["overlays"], id: "a" },
      { kind: "insert", path: ["overlays"], value: overlay("b", "Two") },
    ];
    const after = applyEditOps(before, ops);
    expect(applyEditOps(after, invertEditOps(before, ops))).toEqual(before);
  });
});

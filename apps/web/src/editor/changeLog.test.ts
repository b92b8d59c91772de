import type { EditOp } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import {
  addChanges,
  type ChangeEntry,
  historyRows,
  lastChangeOf,
  ownUndoable,
  timeAgo,
} from "./changeLog.ts";

const op = (path: string[], value: unknown = 1): EditOp => ({ kind: "set", path, value });
const entry = (revision: number, userId: string, ops: EditOp[], inverse?: EditOp[]): ChangeEntry => ({
  revision,
  userId,
  userName: userId.toUpperCase(),
  ops,
  ...(inverse ? { inverse } : {}),
  // Ten seconds apart: separate steps, not one drag.
  at: new Date(Date.parse("2026-01-01T00:00:00.000Z") + revision * 10_000).toISOString(),
});

describe("who changed what", () => {
  it("merges the history with live edits, newest first, once per revision", () => {
    const fromHistory = [
      entry(2, "ada", [op(["crop"])], [op(["crop"], undefined)]),
      entry(1, "bob", [op(["x"])]),
    ];
    const live = [entry(3, "bob", [op(["adjustments", "hue"])]), entry(2, "ada", [op(["crop"])])];
    const log = addChanges(addChanges([], fromHistory), live);
    expect(log.map((e) => e.revision)).toEqual([3, 2, 1]);
    expect(log[1]!.inverse).toBeDefined();
  });

  it("finds the last person who changed an overlay, including who added it", () => {
    const log = addChanges(
      [],
      [
        entry(3, "bob", [op(["crop"])]),
        entry(2, "ada", [op(["overlays", "o1", "text"], "Hi")]),
        entry(1, "bob", [{ kind: "insert", path: ["overlays"], value: { id: "o1" } }]),
      ],
    );
    expect(lastChangeOf(log, ["overlays", "o1"])?.userId).toBe("ada");
    expect(lastChangeOf(log, ["overlays", "o2"])).toBeNull();
    expect(lastChangeOf(log, ["crop"])?.userId).toBe("bob");
    expect(
      lastChangeOf(
        addChanges([], [entry(1, "bob", [{ kind: "insert", path: ["overlays"], value: { id: "o1" } }])]),
        ["overlays", "o1"],
      )?.userId,
    ).toBe("bob");
  });

  it("lets a person undo their own edits after a reload, oldest first, never someone else's", () => {
    const log = addChanges(
      [],
      [
        entry(3, "ada", [op(["crop"], 2)], [op(["crop"], 1)]),
        entry(2, "bob", [op(["hue"])], [op(["hue"], undefined)]),
        entry(1, "ada", [op(["crop"], 1)], [op(["crop"], undefined)]),
      ],
    );
    expect(ownUndoable(log, "ada").map((e) => e.ops[0])).toEqual([op(["crop"], 1), op(["crop"], 2)]);
  });

  it("makes one undo step of a drag that reached the log as several edits", () => {
    const at = (ms: number) => new Date(Date.parse("2026-01-01T00:00:00.000Z") + ms).toISOString();
    const log = addChanges(
      [],
      [
        { ...entry(3, "ada", [op(["hue"], 30)], [op(["hue"], 20)]), at: at(400) },
        { ...entry(2, "ada", [op(["hue"], 20)], [op(["hue"], 10)]), at: at(200) },
        { ...entry(1, "ada", [op(["hue"], 10)], [op(["hue"], undefined)]), at: at(0) },
      ],
    );
    expect(ownUndoable(log, "ada")).toEqual([{ ops: [op(["hue"], 30)], inverse: [op(["hue"], undefined)] }]);
  });

  it("says how long ago", () => {
    const at = "2026-01-01T00:00:00.000Z";
    expect(timeAgo(at, Date.parse(at) + 10_000)).toBe("just now");
    expect(timeAgo(at, Date.parse(at) + 5 * 60_000)).toBe("5 min ago");
  });

  it("shows one drag as one row, undos as undos, and keeps different people's edits apart", () => {
    const t = (ms: number) => new Date(Date.parse("2026-11-30T10:00:00Z") + ms).toISOString();
    const crop = (x: number) => [
      { kind: "set" as const, path: ["crop"], value: { x, y: 0, width: 0.5, height: 0.5 } },
    ];
    const logged = (
      revision: number,
      userId: string,
      ops: EditOp[],
      ms: number,
      clientOpId = `c${revision}`,
    ) => ({
      revision,
      userId,
      userName: userId,
      clientOpId,
      ops,
      at: t(ms),
    });
    // Newest first, as the log keeps it: four edits of one crop drag, an undo, then Grace's drag.
    const log = [
      logged(7, "grace", crop(0.3), 9_000),
      logged(6, "ada", crop(0.1), 5_000, "undo:abc"),
      logged(5, "ada", crop(0.4), 1_300),
      logged(4, "ada", crop(0.3), 900),
      logged(3, "ada", crop(0.2), 500),
      logged(2, "ada", crop(0.1), 100),
    ];
    expect(historyRows(log).map((r) => [r.userId, r.kind, r.edits])).toEqual([
      ["grace", "edit", 1],
      ["ada", "undo", 1],
      ["ada", "edit", 4],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { commandFor, type KeyLike } from "./shortcuts.ts";

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  inField: null,
  ...mods,
});

describe("editor keyboard shortcuts", () => {
  it("undoes and redoes with Ctrl or Cmd", () => {
    expect(commandFor(key("z", { ctrlKey: true }))).toBe("undo");
    expect(commandFor(key("z", { metaKey: true }))).toBe("undo");
    expect(commandFor(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(commandFor(key("y", { ctrlKey: true }))).toBe("redo");
  });

  it("adds text, deletes, compares before and after, nudges", () => {
    expect(commandFor(key("t"))).toBe("addText");
    expect(commandFor(key("Delete"))).toBe("delete");
    expect(commandFor(key("b"))).toBe("toggleBefore");
    expect(commandFor(key("ArrowLeft", { shiftKey: true }))).toEqual({ nudge: [-0.05, 0] });
  });

  it("leaves keys alone while the person types into a field, and leaves browser shortcuts alone", () => {
    expect(commandFor(key("t", { inField: "text" }))).toBeNull();
    expect(commandFor(key("z", { ctrlKey: true, inField: "text" }))).toBeNull();
    expect(commandFor(key("Backspace", { inField: "text" }))).toBeNull();
    expect(commandFor(key("t", { ctrlKey: true }))).toBeNull();
    expect(commandFor(key("Escape", { inField: "text" }))).toBe("deselect");
    // On a slider, Ctrl+Z is the editor's undo but the arrows move the slider.
    expect(commandFor(key("z", { ctrlKey: true, inField: "control" }))).toBe("undo");
    expect(commandFor(key("ArrowLeft", { inField: "control" }))).toBeNull();
  });
});

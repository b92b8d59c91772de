import { describe, expect, it } from "vitest";
import { type KeyPress, matchShortcut, type Shortcut } from "./shortcuts.ts";

const run = () => undefined;
const shortcuts: Shortcut[] = [
  { key: "u", description: "Upload", run },
  { key: "?", description: "Help", run },
  { key: "Escape", description: "Clear", run },
];

function press(key: string, over: Partial<KeyPress> = {}): KeyPress {
  return {
    key,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    target: null,
    defaultPrevented: false,
    ...over,
  };
}
const element = (tagName: string, extra: Record<string, unknown> = {}) => ({
  tagName,
  closest: () => null,
  ...extra,
});

describe("keyboard shortcuts", () => {
  it("matches single keys, case-insensitively, and ? with shift", () => {
    expect(matchShortcut(press("u"), shortcuts)?.description).toBe("Upload");
    expect(matchShortcut(press("U"), shortcuts)?.description).toBe("Upload");
    expect(matchShortcut(press("?"), shortcuts)?.description).toBe("Help");
    expect(matchShortcut(press("Escape"), shortcuts)?.description).toBe("Clear");
    expect(matchShortcut(press("x"), shortcuts)).toBeUndefined();
  });

  it("leaves typing, browser shortcuts and open dialogs alone", () => {
    expect(matchShortcut(press("u", { ctrlKey: true }), shortcuts)).toBeUndefined();
    expect(matchShortcut(press("u", { metaKey: true }), shortcuts)).toBeUndefined();
    expect(matchShortcut(press("u", { defaultPrevented: true }), shortcuts)).toBeUndefined();
    const text = element("INPUT", { type: "text" });
    expect(matchShortcut(press("u", { target: text as unknown as EventTarget }), shortcuts)).toBeUndefined();
    const area = element("TEXTAREA");
    expect(matchShortcut(press("u", { target: area as unknown as EventTarget }), shortcuts)).toBeUndefined();
    const editable = element("DIV", { isContentEditable: true });
    expect(
      matchShortcut(press("u", { target: editable as unknown as EventTarget }), shortcuts),
    ).toBeUndefined();
    const inDialog = element("BUTTON", { closest: () => ({}) });
    expect(
      matchShortcut(press("u", { target: inDialog as unknown as EventTarget }), shortcuts),
    ).toBeUndefined();
  });

  it("still fires on a focused checkbox or button", () => {
    const checkbox = element("INPUT", { type: "checkbox" });
    expect(
      matchShortcut(press("u", { target: checkbox as unknown as EventTarget }), shortcuts),
    ).toBeDefined();
    expect(
      matchShortcut(press("u", { target: element("BUTTON") as unknown as EventTarget }), shortcuts),
    ).toBeDefined();
  });
});

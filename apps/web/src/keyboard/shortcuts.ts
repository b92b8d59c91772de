/** Single-key shortcuts of a page, and when a key press counts as one. */

export interface Shortcut {
  /** `KeyboardEvent.key`: "u", "?", "Escape", "/". */
  key: string;
  /** What it does, for the help dialog. */
  description: string;
  run(): void;
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
  defaultPrevented: boolean;
}

/** The shortcut a key press triggers, or undefined while typing, with modifiers, or inside an open dialog. */
export function matchShortcut(press: KeyPress, shortcuts: readonly Shortcut[]): Shortcut | undefined {
  if (press.defaultPrevented || press.ctrlKey || press.metaKey || press.altKey) return undefined;
  if (isTyping(press.target)) return undefined;
  if (inOpenDialog(press.target)) return undefined;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  return shortcuts.find((s) => s.key === key || (s.key === "?" && press.key === "?"));
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  // Checkboxes, radios and buttons take no text; a letter pressed on them is still a shortcut.
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(
    el.type ?? "text",
  );
}

function inOpenDialog(target: EventTarget | null): boolean {
  const el = target as { closest?: (selector: string) => unknown } | null;
  return typeof el?.closest === "function" && el.closest("dialog[open]") !== null;
}

/** How a key is shown in the help: "Escape" → "Esc". */
export function keyLabel(key: string): string {
  return key === "Escape" ? "Esc" : key;
}

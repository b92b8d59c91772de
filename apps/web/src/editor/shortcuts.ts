/** Everything the editor does from the keyboard. */
export type EditorCommand =
  | "undo"
  | "redo"
  | "delete"
  | "addText"
  | "toggleBefore"
  | "deselect"
  | { nudge: [number, number] };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /**
   * Where the key went: "text" is typing (its own undo, letters and arrows are the field's), "control" a
   * slider or button (arrows are its own, the editor's shortcuts still apply), null the canvas or page.
   */
  inField: "text" | "control" | null | false;
}

/** The command a key press means in the editor, or null to leave it to the browser. */
export function commandFor(e: KeyLike): EditorCommand | null {
  if (e.inField === "text") return e.key === "Escape" ? "deselect" : null;
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && !e.altKey) {
    if (key === "z") return e.shiftKey ? "redo" : "undo";
    if (key === "y" && !e.shiftKey) return "redo";
    return null;
  }
  if (e.altKey || e.metaKey || e.ctrlKey) return null;
  if (e.key === "Delete" || e.key === "Backspace") return "delete";
  if (key === "t") return "addText";
  if (key === "b") return "toggleBefore";
  if (e.key === "Escape") return "deselect";
  const step = e.shiftKey ? 0.05 : 0.01;
  const arrows: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  const nudge = arrows[e.key];
  return nudge && e.inField !== "control" ? { nudge } : null;
}

export function fieldKind(target: EventTarget | null): KeyLike["inField"] {
  if (!(target instanceof HTMLElement)) return null;
  if (target.isContentEditable) return "text";
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return "text";
  if (target instanceof HTMLInputElement) {
    // A slider or checkbox has no text undo of its own: Ctrl+Z means the editor's undo there.
    return ["range", "checkbox", "radio", "button"].includes(target.type) ? "control" : "text";
  }
  return null;
}

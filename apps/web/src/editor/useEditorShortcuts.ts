import { useEffect, useRef } from "react";
import { commandFor, fieldKind } from "./shortcuts.ts";

export interface ShortcutHandlers {
  undo(): void;
  redo(): void;
  delete(): void;
  addText(): void;
  toggleBefore(): void;
  deselect(): void;
  /** Returns false when nothing is selected to move (the key is left to the browser). */
  nudge(delta: [number, number]): boolean;
}

/** The editor's keyboard shortcuts, on the whole window while the page is open. */
export function useEditorShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const command = commandFor({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        shiftKey: event.shiftKey,
        altKey: event.altKey,
        inField: fieldKind(event.target),
      });
      if (!command) return;
      const h = ref.current;
      if (typeof command === "object") {
        if (h.nudge(command.nudge)) event.preventDefault();
        return;
      }
      // A focused button keeps Space/Enter; the letters and Delete belong to the editor.
      event.preventDefault();
      h[command]();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}

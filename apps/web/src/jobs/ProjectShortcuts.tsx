import { useMemo } from "react";
import { ShortcutsDialog } from "../keyboard/ShortcutsDialog.tsx";
import type { Shortcut } from "../keyboard/shortcuts.ts";
import { useShortcuts } from "../keyboard/useShortcuts.ts";
import { toggleTheme } from "../theme/theme.ts";
import type { Selection } from "./useSelection.ts";

interface ProjectShortcutsProps {
  selection: Selection;
  canRun: boolean;
  helpOpen: boolean;
  setHelpOpen(open: boolean): void;
  onRun(): void;
}

/** The project page's keys: u upload, r run, a select all, Esc clear, t theme, ? help. */
export function ProjectShortcuts({ selection, canRun, helpOpen, setHelpOpen, onRun }: ProjectShortcutsProps) {
  const shortcuts = useMemo<Shortcut[]>(
    () => [
      ...(canRun
        ? [
            { key: "u", description: "Upload images (opens the file picker)", run: openFilePicker },
            {
              key: "r",
              description: "Run a preset on the selected images",
              run: () => selection.ids.length > 0 && onRun(),
            },
            { key: "a", description: "Select all ready images", run: selection.selectAll },
            { key: "Escape", description: "Clear the selection", run: selection.clear },
          ]
        : []),
      { key: "t", description: "Switch between dark and light mode", run: toggleTheme },
      { key: "?", description: "Show these shortcuts", run: () => setHelpOpen(true) },
    ],
    [canRun, selection, onRun, setHelpOpen],
  );
  useShortcuts(shortcuts);
  return <ShortcutsDialog open={helpOpen} shortcuts={shortcuts} onClose={() => setHelpOpen(false)} />;
}

function openFilePicker(): void {
  document.querySelector<HTMLInputElement>('.dropzone input[type="file"]')?.click();
}

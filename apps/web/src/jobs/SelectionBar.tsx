import type { Selection } from "./useSelection.ts";

interface SelectionBarProps {
  selection: Selection;
  readyCount: number;
  onRun(): void;
  onShowShortcuts(): void;
}

/** What is selected in the grid, and the way to run a preset on it. */
export function SelectionBar({ selection, readyCount, onRun, onShowShortcuts }: SelectionBarProps) {
  const count = selection.ids.length;
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection">
      <span className={count === 0 ? "selection-hint" : "selection-count"} aria-live="polite">
        {count === 0 ? "Select images to run a preset on them." : `${count} selected`}
      </span>
      <button
        type="button"
        className="button button-small"
        onClick={selection.selectAll}
        disabled={readyCount === 0 || count === readyCount}
        aria-keyshortcuts="a"
      >
        Select all
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={selection.clear}
        disabled={count === 0}
        aria-keyshortcuts="Escape"
      >
        Clear selection
      </button>
      <button
        type="button"
        className="button button-small button-primary"
        onClick={onRun}
        disabled={count === 0}
        aria-keyshortcuts="r"
      >
        Run preset…
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={onShowShortcuts}
        aria-label="Keyboard shortcuts"
        aria-keyshortcuts="?"
        title="Keyboard shortcuts (?)"
      >
        ?
      </button>
    </div>
  );
}

import { SaveState } from "./SaveState.tsx";

interface EditorToolbarProps {
  canUndo: boolean;
  canRedo: boolean;
  before: boolean;
  saving: boolean;
  refused: boolean;
  /** A viewer: no undo or redo, since nothing can change. */
  readOnly: boolean;
  onUndo(): void;
  onRedo(): void;
  onToggleBefore(): void;
  onExport(): void;
}

const mac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = mac ? "⌘" : "Ctrl+";

export function EditorToolbar(props: EditorToolbarProps) {
  return (
    <div className="editor-toolbar" role="toolbar" aria-label="Editor">
      {!props.readOnly && (
        <>
          <button
            type="button"
            className="button button-small"
            onClick={props.onUndo}
            disabled={!props.canUndo}
            title={`Undo (${mod}Z)`}
            aria-keyshortcuts="Control+Z Meta+Z"
          >
            Undo
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={props.onRedo}
            disabled={!props.canRedo}
            title={`Redo (${mod}Shift+Z)`}
            aria-keyshortcuts="Control+Shift+Z Control+Y Meta+Shift+Z"
          >
            Redo
          </button>
        </>
      )}
      <button
        type="button"
        className={`button button-small${props.before ? " is-on" : ""}`}
        aria-pressed={props.before}
        onClick={props.onToggleBefore}
        title="Compare with the original (B)"
        aria-keyshortcuts="B"
      >
        Before / after
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={props.onExport}
        title="Download the edited image at full resolution"
      >
        Export…
      </button>
      <SaveState saving={props.saving} refused={props.refused} readOnly={props.readOnly} />
    </div>
  );
}

import { Dialog } from "../components/Dialog.tsx";
import { keyLabel, type Shortcut } from "./shortcuts.ts";

/** The list of a page's shortcuts ("?" opens it). */
export function ShortcutsDialog({
  open,
  shortcuts,
  onClose,
}: {
  open: boolean;
  shortcuts: readonly Shortcut[];
  onClose(): void;
}) {
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose}>
      <dl className="shortcut-list">
        {shortcuts.map((s) => (
          <div key={s.key} className="shortcut-row">
            <dt>
              <kbd>{keyLabel(s.key)}</kbd>
            </dt>
            <dd>{s.description}</dd>
          </div>
        ))}
      </dl>
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

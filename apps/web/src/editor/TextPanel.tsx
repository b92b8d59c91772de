import { useState } from "react";
import type { ChangeEntry } from "./changeLog.ts";
import type { Overlay } from "./editDocument.ts";
import type { StyleGroup } from "./textStyles.ts";

interface TextPanelProps {
  overlays: Overlay[];
  selected: Overlay | null;
  styles: StyleGroup[];
  lastChange: ChangeEntry | null;
  selfId: string;
  onAdd(): void;
  onSelect(id: string | null): void;
  onText(id: string, text: string): void;
  onStyle(id: string, styleSet: string): void;
  onRemove(id: string): void;
  onEnd(): void;
}

/** Text overlays: add one, pick one, change its words and its style, remove it. */
export function TextPanel(props: TextPanelProps) {
  const { selected } = props;
  // While the field is empty the document keeps the last words (an overlay needs some text).
  const [draft, setDraft] = useState<{ id: string; text: string } | null>(null);
  const value = selected && draft?.id === selected.id ? draft.text : (selected?.text ?? "");
  return (
    <section className="inspector-section" aria-labelledby="text-heading">
      <div className="inspector-heading">
        <h2 id="text-heading">Text</h2>
        <button type="button" className="button button-small" onClick={props.onAdd} aria-keyshortcuts="T">
          Add text
        </button>
      </div>
      {props.overlays.length > 0 && (
        <ul className="overlay-list" aria-label="Text overlays">
          {props.overlays.map((o) => (
            <li key={o.id}>
              <button
                type="button"
                className={`overlay-pick${o.id === selected?.id ? " is-selected" : ""}`}
                aria-pressed={o.id === selected?.id}
                onClick={() => props.onSelect(o.id === selected?.id ? null : o.id)}
              >
                {o.text || <span className="muted">New text</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      {selected ? (
        <div className="overlay-fields">
          <div className="field">
            <label htmlFor="overlay-text">Overlay text</label>
            <textarea
              id="overlay-text"
              rows={2}
              value={value}
              placeholder="Your text"
              onChange={(e) => {
                setDraft({ id: selected.id, text: e.target.value });
                if (e.target.value.trim()) props.onText(selected.id, e.target.value);
              }}
              onBlur={() => {
                setDraft(null);
                props.onEnd();
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="overlay-style">Text style</label>
            <select
              id="overlay-style"
              value={selected.styleSet}
              onChange={(e) => props.onStyle(selected.id, e.target.value)}
            >
              {props.styles.map((group) => (
                <optgroup key={group.label} label={group.label}>
                  {group.options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <div className="overlay-actions">
            <button
              type="button"
              className="button button-small button-danger"
              onClick={() => props.onRemove(selected.id)}
              aria-keyshortcuts="Delete"
            >
              Delete text
            </button>
            {props.lastChange && (
              <span className="muted" data-testid="overlay-last-change">
                Last changed by{" "}
                {props.lastChange.userId === props.selfId ? "you" : (props.lastChange.userName ?? "someone")}
              </span>
            )}
          </div>
        </div>
      ) : (
        <p className="field-hint">
          {props.overlays.length ? "Select a text to edit it." : "No text yet. Press T or Add text."}
        </p>
      )}
    </section>
  );
}

import { useRef } from "react";
import type { Collaborator } from "../presence/presenceState.ts";
import type { Overlay } from "./editDocument.ts";
import { cssOfLook, findStyle, type StyleGroup } from "./textStyles.ts";
import { usePointerDrag } from "./usePointerDrag.ts";

interface TextOverlaysProps {
  overlays: Overlay[];
  styles: StyleGroup[];
  selectedId: string | null;
  /** Others and what they selected: an overlay someone edits gets an outline in their colour. */
  others: Collaborator[];
  /** The server's rendition (with the text drawn in) is on screen: keep only the frames to grab. */
  textInImage: boolean;
  onSelect(id: string | null): void;
  onMove(id: string, x: number, y: number): void;
  onEnd(): void;
  onEdit(id: string): void;
}

const clamp01 = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 10_000) / 10_000;

/** The text overlays over the rendered area, each draggable; positions are fractions of that area. */
export function TextOverlays(props: TextOverlaysProps) {
  const layer = useRef<HTMLDivElement>(null);
  const drag = usePointerDrag<{ id: string; x: number; y: number }>(() => layer.current, {
    onMove: (start, dx, dy) => props.onMove(start.id, clamp01(start.x + dx), clamp01(start.y + dy)),
    onEnd: props.onEnd,
  });
  return (
    <div className="overlay-layer" ref={layer}>
      {props.overlays.map((overlay) => {
        const selected = overlay.id === props.selectedId;
        const editor = props.others.find((p) => p.selection === overlay.id);
        const look = findStyle(props.styles, overlay.styleSet)?.look ?? {};
        return (
          <button
            type="button"
            key={overlay.id}
            className={`text-overlay${selected ? " is-selected" : ""}${editor ? " is-remote" : ""}${props.textInImage ? " text-in-image" : ""}`}
            data-overlay-id={overlay.id}
            aria-label={overlay.text ? `Text: ${overlay.text}` : "New text, not written yet"}
            aria-pressed={selected}
            style={{
              left: `${overlay.x * 100}%`,
              top: `${overlay.y * 100}%`,
              width: `${(overlay.maxWidth ?? 1 - overlay.x) * 100}%`,
              ...(editor ? { outlineColor: editor.colour } : {}),
            }}
            onPointerDown={(e) => {
              props.onSelect(overlay.id);
              drag.begin(e, { id: overlay.id, x: overlay.x, y: overlay.y });
            }}
            {...drag.bind}
            onClick={() => props.onSelect(overlay.id)}
            onDoubleClick={() => props.onEdit(overlay.id)}
          >
            {overlay.text ? (
              <span className="text-overlay-text" style={cssOfLook(look)}>
                {overlay.text}
              </span>
            ) : (
              // A text not yet written: its placeholder, shown only to whoever is adding it.
              <span className="text-overlay-text is-placeholder" style={cssOfLook(look)} aria-hidden="true">
                Your text
              </span>
            )}
            {editor && (
              <span className="selection-tag" style={{ backgroundColor: editor.colour }}>
                {editor.name}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

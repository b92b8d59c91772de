import type { Crop } from "./editDocument.ts";
import type { FormatInfo } from "./formatCrop.ts";
import { ratioLabel } from "./formatCrop.ts";

interface FormatCardProps {
  format: FormatInfo;
  imageUrl: string;
  crop: Crop;
  own: boolean;
  filter: string;
  rendition: string | null;
  active: boolean;
  readOnly: boolean;
  /** Someone else adjusting this format right now. */
  editor: { name: string; colour: string } | null;
  onAdjust(): void;
  onReset(): void;
}

/** The asset as one format shows it: the server's rendition when current, else the crop in the browser. */
export function FormatCard(props: FormatCardProps) {
  const { format, crop } = props;
  return (
    <li
      className={`format-card${props.active ? " is-active" : ""}`}
      data-format-id={format.id}
      style={props.editor ? { borderColor: props.editor.colour } : undefined}
    >
      <div className="format-frame-box">
        <div
          className="format-frame"
          style={{
            aspectRatio: `${format.width} / ${format.height}`,
            width: `min(100%, calc(11rem * ${format.width / format.height}))`,
          }}
        >
          <img
            src={props.imageUrl}
            alt=""
            style={{
              width: `${100 / crop.width}%`,
              height: `${100 / crop.height}%`,
              left: `${(-crop.x / crop.width) * 100}%`,
              top: `${(-crop.y / crop.height) * 100}%`,
              filter: props.filter,
            }}
          />
          {props.rendition && (
            <img className="format-rendition" src={props.rendition} alt={`${format.label} rendition`} />
          )}
          {props.editor && (
            <span
              className="selection-tag"
              style={{ backgroundColor: props.editor.colour, top: 4, left: 4, bottom: "auto" }}
            >
              {props.editor.name}
            </span>
          )}
        </div>
      </div>
      <div className="format-meta">
        <span className="format-name">{format.label}</span>
        {props.own && <span className="format-own">Own crop</span>}
      </div>
      <span className="muted format-size">
        {format.width}×{format.height} · {ratioLabel(format.width, format.height)}
      </span>
      <div className="format-buttons" hidden={props.readOnly}>
        <button
          type="button"
          className="button button-small"
          onClick={props.onAdjust}
          aria-pressed={props.active}
          aria-label={`Adjust crop of ${format.label}`}
        >
          {props.active ? "Adjusting" : "Adjust crop"}
        </button>
        {props.own && (
          <button
            type="button"
            className="button button-small"
            onClick={props.onReset}
            aria-label={`Reset crop of ${format.label}`}
          >
            Reset
          </button>
        )}
      </div>
    </li>
  );
}

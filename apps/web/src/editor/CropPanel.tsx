import { Link } from "../router/Link.tsx";
import type { AspectPreset } from "./formatCrop.ts";

interface CropPanelProps {
  presets: AspectPreset[];
  presetId: string;
  cropped: boolean;
  onPreset(id: string): void;
  onReset(): void;
  formatsHref: string;
  /** "who changed this": the last person to change the crop. */
  lastChangeBy: string | null;
}

export function CropPanel(props: CropPanelProps) {
  return (
    <section className="inspector-section" aria-labelledby="crop-heading">
      <div className="inspector-heading">
        <h2 id="crop-heading">Crop</h2>
        <button
          type="button"
          className="button button-small"
          onClick={props.onReset}
          disabled={!props.cropped}
        >
          Reset crop
        </button>
      </div>
      <div className="field">
        <label htmlFor="crop-aspect">Aspect ratio</label>
        <select id="crop-aspect" value={props.presetId} onChange={(e) => props.onPreset(e.target.value)}>
          {props.presets.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      {props.lastChangeBy && <p className="field-hint">Last cropped by {props.lastChangeBy}</p>}
      <p className="field-hint">
        Drag the frame or its handles; arrow keys move it, Alt+arrows resize.{" "}
        <Link to={props.formatsHref}>Crop each format…</Link>
      </p>
    </section>
  );
}

import { type ReactNode, useId } from "react";
import { previewCss, type StyleDraft } from "./textStyleForm.ts";

const weights = [100, 200, 300, 400, 500, 600, 700, 800, 900];

interface Props {
  legend: string;
  draft: StyleDraft;
  onChange(draft: StyleDraft): void;
}

/** One role's style (title, subtitle or body): font, size, weight, colour, alignment, stroke, shadow, box. */
export function TextStyleFields({ legend, draft, onChange }: Props) {
  const set = <K extends keyof StyleDraft>(key: K, value: StyleDraft[K]) =>
    onChange({ ...draft, [key]: value });
  const part = <K extends "stroke" | "shadow" | "box">(key: K, change: Partial<StyleDraft[K]>) =>
    onChange({ ...draft, [key]: { ...draft[key], ...change } });
  return (
    <fieldset className="style-fields">
      <legend>{legend}</legend>
      <div className="style-preview" aria-hidden="true">
        <span style={previewCss(draft)}>{legend} sample text</span>
      </div>
      <div className="style-grid">
        <Field label="Font">
          {(id) => (
            <input id={id} value={draft.fontFamily} onChange={(e) => set("fontFamily", e.target.value)} />
          )}
        </Field>
        <NumberField
          label="Size (px)"
          min={4}
          max={400}
          value={draft.fontSize}
          onChange={(v) => set("fontSize", v)}
        />
        <Field label="Weight">
          {(id) => (
            <select
              id={id}
              value={draft.fontWeight}
              onChange={(e) => set("fontWeight", Number(e.target.value))}
            >
              {weights.map((w) => (
                <option key={w} value={w}>
                  {w}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Colour">
          {(id) => (
            <input
              id={id}
              type="color"
              value={draft.colour}
              onChange={(e) => set("colour", e.target.value)}
            />
          )}
        </Field>
        <NumberField
          label="Line height"
          min={0.8}
          max={3}
          step={0.05}
          value={draft.lineHeight}
          onChange={(v) => set("lineHeight", v)}
        />
        <Field label="Alignment">
          {(id) => (
            <select
              id={id}
              value={draft.align}
              onChange={(e) => set("align", e.target.value as StyleDraft["align"])}
            >
              <option value="left">Left</option>
              <option value="center">Centre</option>
              <option value="right">Right</option>
            </select>
          )}
        </Field>
      </div>
      <Toggle label="Stroke" on={draft.stroke.on} onChange={(on) => part("stroke", { on })}>
        <ColourField
          label="Stroke colour"
          value={draft.stroke.colour}
          onChange={(colour) => part("stroke", { colour })}
        />
        <NumberField
          label="Stroke width"
          min={0}
          max={40}
          value={draft.stroke.width}
          onChange={(width) => part("stroke", { width })}
        />
      </Toggle>
      <Toggle label="Shadow" on={draft.shadow.on} onChange={(on) => part("shadow", { on })}>
        <ColourField
          label="Shadow colour"
          value={draft.shadow.colour}
          onChange={(colour) => part("shadow", { colour })}
        />
        <NumberField
          label="Shadow blur"
          min={0}
          max={60}
          value={draft.shadow.blur}
          onChange={(blur) => part("shadow", { blur })}
        />
        <NumberField
          label="Shadow x"
          min={-60}
          max={60}
          value={draft.shadow.dx}
          onChange={(dx) => part("shadow", { dx })}
        />
        <NumberField
          label="Shadow y"
          min={-60}
          max={60}
          value={draft.shadow.dy}
          onChange={(dy) => part("shadow", { dy })}
        />
        <NumberField
          label="Shadow opacity"
          min={0}
          max={1}
          step={0.05}
          value={draft.shadow.opacity}
          onChange={(opacity) => part("shadow", { opacity })}
        />
      </Toggle>
      <Toggle label="Box" on={draft.box.on} onChange={(on) => part("box", { on })}>
        <ColourField
          label="Box colour"
          value={draft.box.colour}
          onChange={(colour) => part("box", { colour })}
        />
        <NumberField
          label="Box opacity"
          min={0}
          max={1}
          step={0.05}
          value={draft.box.opacity}
          onChange={(opacity) => part("box", { opacity })}
        />
        <NumberField
          label="Box padding"
          min={0}
          max={200}
          value={draft.box.padding}
          onChange={(padding) => part("box", { padding })}
        />
        <NumberField
          label="Box radius"
          min={0}
          max={200}
          value={draft.box.radius}
          onChange={(radius) => part("box", { radius })}
        />
      </Toggle>
    </fieldset>
  );
}

function Field({ label, children }: { label: string; children(id: string): ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

function NumberField(props: {
  label: string;
  min: number;
  max: number;
  step?: number;
  value: number;
  onChange(v: number): void;
}) {
  return (
    <Field label={props.label}>
      {(id) => (
        <input
          id={id}
          type="number"
          min={props.min}
          max={props.max}
          step={props.step ?? 1}
          value={props.value}
          onChange={(e) => e.target.value !== "" && props.onChange(Number(e.target.value))}
        />
      )}
    </Field>
  );
}

function ColourField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange(v: string): void;
}) {
  return (
    <Field label={label}>
      {(id) => <input id={id} type="color" value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

function Toggle({
  label,
  on,
  onChange,
  children,
}: {
  label: string;
  on: boolean;
  onChange(on: boolean): void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="style-part">
      <div className="field field-check">
        <input id={id} type="checkbox" checked={on} onChange={(e) => onChange(e.target.checked)} />
        <label htmlFor={id}>{label}</label>
      </div>
      {on && <div className="style-grid">{children}</div>}
    </div>
  );
}

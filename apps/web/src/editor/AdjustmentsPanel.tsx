import {
  type AdjustmentName,
  type Adjustments,
  adjustmentControls,
  formatAdjustment,
} from "./editDocument.ts";

interface AdjustmentsPanelProps {
  adjustments: Adjustments;
  onChange(name: AdjustmentName, value: number, ongoing: boolean): void;
  onReset(): void;
  onEnd(): void;
}

/** One slider per adjustment; a drag is one undo step, and a double-click on a slider resets it. */
export function AdjustmentsPanel({ adjustments, onChange, onReset, onEnd }: AdjustmentsPanelProps) {
  const changed = adjustmentControls.some((c) => adjustments[c.name] !== c.neutral);
  return (
    <section className="inspector-section" aria-labelledby="adjust-heading">
      <div className="inspector-heading">
        <h2 id="adjust-heading">Adjust</h2>
        <button type="button" className="button button-small" onClick={onReset} disabled={!changed}>
          Reset adjustments
        </button>
      </div>
      {adjustmentControls.map((control) => {
        const id = `adjust-${control.name}`;
        const value = adjustments[control.name];
        return (
          <div className="slider-row" key={control.name}>
            <label htmlFor={id}>{control.label}</label>
            <output htmlFor={id} className={value === control.neutral ? "muted" : undefined}>
              {formatAdjustment(control, value)}
            </output>
            <input
              id={id}
              type="range"
              min={control.min}
              max={control.max}
              step={control.step}
              value={value}
              onChange={(e) => onChange(control.name, Number(e.target.value), true)}
              onPointerUp={onEnd}
              onBlur={onEnd}
              onDoubleClick={() => onChange(control.name, control.neutral, false)}
            />
          </div>
        );
      })}
    </section>
  );
}

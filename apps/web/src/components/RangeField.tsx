import { useId } from "react";

interface RangeFieldProps {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange(value: number): void;
  /** Extra classes of the field, e.g. "admin-narrow". */
  className?: string;
}

/** A labelled slider with its value shown beside it. */
export function RangeField({ label, value, min, max, onChange, className }: RangeFieldProps) {
  const id = useId();
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label htmlFor={id}>{label}</label>
      <div className="range-row">
        <input
          id={id}
          type="range"
          min={min}
          max={max}
          value={value}
          onChange={(e) => onChange(Number(e.target.value))}
        />
        <output htmlFor={id}>{value}</output>
      </div>
    </div>
  );
}

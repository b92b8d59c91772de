import { CheckboxField } from "../components/CheckboxField.tsx";

interface CheckboxGroupProps<Value extends string> {
  legend: string;
  /** The choices, in the order they are listed. */
  options: readonly Value[];
  labels: Record<Value, string>;
  selected: readonly Value[];
  onChange(selected: Value[]): void;
}

/** A fieldset of checkboxes choosing any number of values (scopes, event types). */
export function CheckboxGroup<Value extends string>({
  legend,
  options,
  labels,
  selected,
  onChange,
}: CheckboxGroupProps<Value>) {
  const toggle = (value: Value, on: boolean) =>
    onChange(on ? [...new Set([...selected, value])] : selected.filter((v) => v !== value));
  return (
    <fieldset className="scope-fields">
      <legend>{legend}</legend>
      {options.map((value) => (
        <CheckboxField
          key={value}
          label={labels[value]}
          checked={selected.includes(value)}
          onChange={(on) => toggle(value, on)}
        />
      ))}
    </fieldset>
  );
}

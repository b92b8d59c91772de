import { type InputHTMLAttributes, useId } from "react";

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  /** Shown under the field and announced with it. */
  error?: string | undefined;
  hint?: string | undefined;
};

/** A labelled input whose hint and error are tied to it for screen readers. */
export function TextField({ label, error, hint, ...input }: TextFieldProps) {
  const id = useId();
  // An error says what the hint said, as a problem: showing both would say it twice.
  const shownHint = error ? undefined : hint;
  const hintId = shownHint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {shownHint && (
        <p id={hintId} className="field-hint">
          {shownHint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

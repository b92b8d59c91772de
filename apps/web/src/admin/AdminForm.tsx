import type { FormEvent, ReactNode } from "react";
import { FormError } from "../components/FormError.tsx";

interface AdminFormProps {
  /** The form's accessible name. */
  label: string;
  heading?: ReactNode;
  /** The last submit's failure, shown above the buttons. */
  error: string | null | undefined;
  submitLabel: string;
  /** While the submit is running, or while the form cannot be sent yet. */
  submitDisabled: boolean;
  onSubmit(): void;
  /** Buttons before the submit button (Cancel, Delete). */
  actions?: ReactNode;
  /** What the last submit did ("Saved"), announced to screen readers; nothing when falsy. */
  note?: ReactNode;
  /** The fields. */
  children: ReactNode;
}

/** A form on an admin page that creates or saves one record: its fields, its error and its buttons. */
export function AdminForm({
  label,
  heading,
  error,
  submitLabel,
  submitDisabled,
  onSubmit,
  actions,
  note,
  children,
}: AdminFormProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="admin-form" aria-label={label} onSubmit={submit}>
      {heading && <h3>{heading}</h3>}
      {children}
      <FormError message={error} />
      <div className="form-actions">
        {note && (
          <span className="saved-note" role="status">
            {note}
          </span>
        )}
        {actions}
        <button type="submit" className="button button-primary" disabled={submitDisabled}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

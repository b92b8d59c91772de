interface SaveStateProps {
  saving: boolean;
  /** The server refused the last edit: nothing of it was kept. */
  refused: boolean;
  readOnly: boolean;
}

/** What happened to the person's edits, never claiming a save that did not happen. */
export function SaveState({ saving, refused, readOnly }: SaveStateProps) {
  const [text, state] = readOnly
    ? ["View only", "read-only"]
    : refused
      ? ["Not saved", "refused"]
      : saving
        ? ["Saving…", "saving"]
        : ["All changes saved", "saved"];
  return (
    <span
      className={`save-state is-${state}`}
      role="status"
      data-saving={saving}
      data-state={state}
      title={readOnly ? "Viewers can look and export; ask an admin for the member role to edit." : undefined}
    >
      {text}
    </span>
  );
}

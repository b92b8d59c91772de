import { useRef, useState } from "react";

/**
 * A secret shown once (a new API key, a webhook signing secret): read-only, selectable, with a Copy
 * button, and a plain sentence that it will not be shown again.
 */
export function SecretReveal({
  label,
  secret,
  note,
  onDone,
}: {
  label: string;
  secret: string;
  note: string;
  onDone: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      // No clipboard (an insecure origin, a refused permission): select it for Ctrl+C instead.
      input.current?.select();
      setCopied("no");
    }
  };
  return (
    <div className="secret-reveal" role="status">
      <p>
        <strong>{note}</strong>
      </p>
      <div className="secret-row">
        <input
          ref={input}
          aria-label={label}
          className="secret-value"
          readOnly
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="button button-small" onClick={() => void copy()}>
          {copied === "yes" ? "Copied" : "Copy"}
        </button>
        <button type="button" className="button button-small" onClick={onDone}>
          Done
        </button>
      </div>
      {copied === "no" && (
        <p className="muted">Copying was not allowed here; the text is selected, press Ctrl+C.</p>
      )}
    </div>
  );
}

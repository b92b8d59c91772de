import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "../api/errorMessage.ts";

export interface UndoOffer {
  /** What happened, e.g. "Deleted coffee.png". */
  message: string;
  /** When undo stops being possible (the server's undo window). */
  until: string;
  undo(): Promise<unknown>;
}

/** The last thing that can be undone, offered until its window closes; a new offer replaces it. */
export function useUndoOffer() {
  const [offer, setOffer] = useState<UndoOffer | null>(null);
  const offerUndo = useCallback((next: UndoOffer) => setOffer(next), []);
  // Only the offer on screen is dismissed: a late answer to an earlier undo leaves a newer offer alone.
  const dismiss = useCallback(
    (which: UndoOffer) => setOffer((current) => (current === which ? null : current)),
    [],
  );
  return { offer, offerUndo, dismiss };
}

/** "Deleted coffee.png · Undo (8 s)": at the bottom of the page while undo is possible. */
export function UndoToast({ offer, dismiss }: { offer: UndoOffer | null; dismiss(offer: UndoOffer): void }) {
  const [now, setNow] = useState(() => Date.now());
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  useEffect(() => {
    setError(null);
    if (!offer) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [offer]);
  const left = offer ? Math.ceil((Date.parse(offer.until) - now) / 1000) : 0;
  useEffect(() => {
    if (offer && left <= 0) dismiss(offer);
  }, [offer, left, dismiss]);
  if (!offer || left <= 0) return null;
  return (
    <div className="undo-toast" role="status" aria-live="polite">
      <span>{error ?? offer.message}</span>
      <button
        type="button"
        className="button button-small"
        disabled={pending}
        onClick={() => {
          setPending(true);
          offer.undo().then(
            () => {
              setPending(false);
              dismiss(offer);
            },
            (err: unknown) => {
              setPending(false);
              setError(errorMessage(err));
            },
          );
        }}
      >
        Undo <span className="muted">({left} s)</span>
      </button>
    </div>
  );
}

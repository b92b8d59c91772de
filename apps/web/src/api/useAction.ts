import { useCallback, useState } from "react";
import { errorMessage } from "./errorMessage.ts";
import { reportIfSessionLost } from "./sessionExpiry.ts";

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  pending: boolean;
  error: string | null;
  clearError: () => void;
}

/** Wraps a mutation: tracks that it is running and keeps its failure as a sentence to show. */
export function useAction<A extends unknown[], R>(perform: (...args: A) => Promise<R>): Action<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setPending(true);
      setError(null);
      try {
        return await perform(...args);
      } catch (err) {
        reportIfSessionLost(err);
        setError(errorMessage(err));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [perform],
  );
  const clearError = useCallback(() => setError(null), []);
  return { run, pending, error, clearError };
}

import { AppError } from "@atelier/shared";

/** Steps check between phases: ONNX runs and sharp calls cannot be interrupted midway. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new AppError("CANCELLED", "The work was cancelled.", {}, { cause: signal.reason });
  }
}

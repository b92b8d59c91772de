import { errorCode } from "./errorMessage.ts";

const sessionLostEvent = "atelier:session-lost";

/** Tells the session that a call was refused for want of a session, so it can check who is signed in. */
export function reportIfSessionLost(err: unknown): void {
  if (errorCode(err) === "UNAUTHORIZED") window.dispatchEvent(new Event(sessionLostEvent));
}

export function onSessionLost(listener: () => void): () => void {
  window.addEventListener(sessionLostEvent, listener);
  return () => window.removeEventListener(sessionLostEvent, listener);
}

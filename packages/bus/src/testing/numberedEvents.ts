import type { ProjectEventInput } from "@atelier/shared";
import type { ProjectEventEntry } from "../JobBus.ts";

/** A real protocol event that carries a number, so tests can check order without building job views. */
export function numbered(n: number): ProjectEventInput {
  return { type: "job.cancelled", jobId: `n${n}` };
}

/** The number of an event made by `numbered`, or NaN for any other event. */
export function numberOf(entry: ProjectEventEntry): number {
  return entry.event.type === "job.cancelled" ? Number(entry.event.jobId.slice(1)) : Number.NaN;
}

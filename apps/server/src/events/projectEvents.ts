import type { JobBus, ProjectEventBody } from "@atelier/bus";
import type { ProjectEvent } from "@atelier/shared";

/** The bus carries plain JSON bodies; these two functions are where they are typed as ProjectEvents. */
export function appendProjectEvent(bus: JobBus, projectId: string, event: ProjectEvent): Promise<string> {
  return bus.appendEvent(projectId, event as unknown as ProjectEventBody);
}

export function projectEvents(
  bus: JobBus,
  projectId: string,
  afterId: string | undefined,
  signal: AbortSignal | undefined,
): AsyncIterable<{ id: string; event: ProjectEvent }> {
  // A cast, not a mapping generator: the bus hands out the JSON the server appended.
  return bus.events(projectId, { afterId, signal }) as unknown as AsyncIterable<{
    id: string;
    event: ProjectEvent;
  }>;
}

import type { JobBus, ProjectEventBody } from "@atelier/bus";
import type { ProjectEvent } from "@atelier/shared";

/** The bus carries plain JSON bodies; these two functions are where they are typed as ProjectEvents. */
export function appendProjectEvent(bus: JobBus, projectId: string, event: ProjectEvent): Promise<string> {
  return bus.appendEvent(projectId, event as unknown as ProjectEventBody);
}

export async function* projectEvents(
  bus: JobBus,
  projectId: string,
  afterId: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<{ id: string; event: ProjectEvent }> {
  for await (const { id, event } of bus.events(projectId, { afterId, signal })) {
    yield { id, event: event as unknown as ProjectEvent };
  }
}

import { AppError, type Logger } from "@atelier/shared";
import { z } from "zod";
import type { ProjectEvent, Unsubscribe } from "../JobBus.ts";
import {
  type ControlMessage,
  type ControlSignal,
  controlSignalSchema,
  type ProjectEventBody,
  projectEventBodySchema,
} from "../message.ts";
import { isStreamId } from "../streamId.ts";
import { EventHub, iterateTopic, type TopicEntry, type TopicSource } from "./EventHub.ts";

export const CONTROL_TOPIC = "control";
const CONTROL_MAX_LEN = 1000;
const PROJECT_PREFIX = "project:";

export function projectTopic(projectId: string): string {
  return `${PROJECT_PREFIX}${projectId}`;
}

/** Maps a topic back to its stream key; shared by the sources so topics mean the same everywhere. */
export function topicKey(
  topic: string,
  keys: { control: string; projectEvents: (projectId: string) => string },
): string {
  return topic === CONTROL_TOPIC ? keys.control : keys.projectEvents(topic.slice(PROJECT_PREFIX.length));
}

const projectIdSchema = z.string().min(1).max(200);

/** Project events and job control signals on top of one EventHub, the same for both buses. */
export class BusChannels {
  readonly hub: EventHub;

  constructor(
    private readonly source: TopicSource,
    private readonly eventsMaxLen: number,
    log: Logger,
  ) {
    this.hub = new EventHub(source, (err) => log.error({ err }, "an event listener threw"));
  }

  async appendEvent(projectId: string, event: ProjectEventBody): Promise<string> {
    checkProjectId(projectId);
    const body = projectEventBodySchema.safeParse(event);
    if (!body.success) throw new AppError("VALIDATION_ERROR", "A project event must be a JSON object.", {});
    return this.source.append(projectTopic(projectId), body.data, this.eventsMaxLen);
  }

  async readEvents(projectId: string, afterId?: string, count = 100): Promise<ProjectEvent[]> {
    checkProjectId(projectId);
    checkAfterId(afterId);
    const entries = await this.source.read(
      projectTopic(projectId),
      afterId,
      Math.max(1, Math.min(count, 10_000)),
    );
    return entries.map((e) => toProjectEvent(projectId, e));
  }

  lastEventId(projectId: string): Promise<string> {
    checkProjectId(projectId);
    return this.source.lastId(projectTopic(projectId));
  }

  subscribeEvents(
    projectId: string,
    afterId: string | undefined,
    onEvent: (event: ProjectEvent) => void,
  ): Promise<Unsubscribe> {
    checkProjectId(projectId);
    checkAfterId(afterId);
    return this.hub.subscribe(projectTopic(projectId), afterId, (e) => onEvent(toProjectEvent(projectId, e)));
  }

  // Not a generator of its own: with hundreds of subscribers per project every extra layer of
  // `for await … yield` costs a few promise turns per event per subscriber.
  events(
    projectId: string,
    options: { afterId?: string; signal?: AbortSignal } = {},
  ): AsyncGenerator<ProjectEvent> {
    checkProjectId(projectId);
    checkAfterId(options.afterId);
    return iterateTopic(this.hub, projectTopic(projectId), options.afterId, options.signal, (entry) =>
      toProjectEvent(projectId, entry),
    );
  }

  async publishControl(jobId: string, signal: ControlSignal): Promise<void> {
    const parsed = controlSignalSchema.safeParse(signal);
    if (!parsed.success || !jobId) {
      throw new AppError("VALIDATION_ERROR", "A control signal needs a job id and a known type.", { jobId });
    }
    await this.source.append(CONTROL_TOPIC, { jobId, ...parsed.data }, CONTROL_MAX_LEN);
  }

  onControl(listener: (message: ControlMessage) => void): Promise<Unsubscribe> {
    return this.hub.subscribe(CONTROL_TOPIC, undefined, (entry) => {
      const parsed = controlSignalSchema.safeParse(entry.body);
      const jobId = entry.body.jobId;
      if (parsed.success && typeof jobId === "string") listener({ jobId, ...parsed.data });
    });
  }

  close(): void {
    this.hub.close();
  }
}

function toProjectEvent(projectId: string, entry: TopicEntry): ProjectEvent {
  return { id: entry.id, projectId, event: entry.body };
}

function checkProjectId(projectId: string): void {
  if (!projectIdSchema.safeParse(projectId).success) {
    throw new AppError("VALIDATION_ERROR", "A project id is required.", { projectId });
  }
}

function checkAfterId(afterId: string | undefined): void {
  if (afterId !== undefined && !isStreamId(afterId)) {
    throw new AppError("VALIDATION_ERROR", "lastEventId must look like <ms>-<seq>.", { afterId });
  }
}

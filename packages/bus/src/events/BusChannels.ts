import {
  AppError,
  type Logger,
  type ProjectEvent,
  type ProjectEventInput,
  PROJECT_EVENTS_VERSION,
  projectEventSchema,
  storedProjectEventSchema,
} from "@atelier/shared";
import { z } from "zod";
import type { ProjectEventEntry, Unsubscribe } from "../JobBus.ts";
import {
  type AccessChange,
  accessChangeSchema,
  type ControlMessage,
  type ControlSignal,
  controlMessageSchema,
} from "../message.ts";
import { isStreamId } from "../streamId.ts";
import { type Decode, EventHub, iterateTopic, type TopicEntry, type TopicSource } from "./EventHub.ts";

export const CONTROL_TOPIC = "control";
export const ACCESS_TOPIC = "access";
const CONTROL_MAX_LEN = 1000;
const ACCESS_MAX_LEN = 1000;
const PROJECT_PREFIX = "project:";

export function projectTopic(projectId: string): string {
  return `${PROJECT_PREFIX}${projectId}`;
}

/** Maps a topic back to its stream key; shared by the sources so topics mean the same everywhere. */
export function topicKey(
  topic: string,
  keys: { control: string; access: string; projectEvents: (projectId: string) => string },
): string {
  if (topic === CONTROL_TOPIC) return keys.control;
  if (topic === ACCESS_TOPIC) return keys.access;
  return keys.projectEvents(topic.slice(PROJECT_PREFIX.length));
}

const projectIdSchema = z.string().min(1).max(200);

function decoderOf<T>(schema: z.ZodType<T>, what: string, log: Logger): Decode<T> {
  return (body) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    log.warn(
      { issues: z.treeifyError(parsed.error) },
      `skipped a stored ${what} that does not match its schema`,
    );
    return undefined;
  };
}

/**
 * Three typed channels over one topic source: project events (checked against the shared protocol
 * when they enter the bus and decoded once per process when they leave it), job control signals,
 * and access changes.
 */
export class BusChannels {
  private readonly projects: EventHub<ProjectEvent>;
  private readonly control: EventHub<ControlMessage>;
  private readonly access: EventHub<AccessChange>;

  constructor(
    private readonly source: TopicSource,
    private readonly eventsMaxLen: number,
    log: Logger,
  ) {
    const onListenerError = (err: unknown) => log.error({ err }, "an event listener threw");
    this.projects = new EventHub(
      source,
      decoderOf(projectEventSchema, "project event", log),
      onListenerError,
      // What a subscriber that resumed from a trimmed or lost id gets instead of a silent gap.
      () => ({ v: PROJECT_EVENTS_VERSION, type: "resync" }),
    );
    this.control = new EventHub(
      source,
      decoderOf(controlMessageSchema, "control signal", log),
      onListenerError,
    );
    this.access = new EventHub(source, decoderOf(accessChangeSchema, "access change", log), onListenerError);
    source.sink = (topic, entries) => {
      if (topic === CONTROL_TOPIC) this.control.dispatch(topic, entries);
      else if (topic === ACCESS_TOPIC) this.access.dispatch(topic, entries);
      else this.projects.dispatch(topic, entries);
    };
  }

  async appendEvent(projectId: string, event: ProjectEventInput): Promise<string> {
    checkProjectId(projectId);
    // `stream.ready` and `resync` are said to one subscriber, never stored; presence has its own channel.
    const parsed = storedProjectEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new AppError("VALIDATION_ERROR", "That project event does not match the event protocol.", {
        issues: z.treeifyError(parsed.error),
      });
    }
    return this.source.append(projectTopic(projectId), parsed.data, this.eventsMaxLen);
  }

  async readEvents(projectId: string, afterId?: string, count = 100): Promise<ProjectEventEntry[]> {
    checkProjectId(projectId);
    checkAfterId(afterId);
    const entries = await this.projects.read(
      projectTopic(projectId),
      afterId,
      Math.max(1, Math.min(count, 10_000)),
    );
    return entries.map((e) => toEntry(projectId, e));
  }

  lastEventId(projectId: string): Promise<string> {
    checkProjectId(projectId);
    return this.source.lastId(projectTopic(projectId));
  }

  subscribeEvents(
    projectId: string,
    afterId: string | undefined,
    onEvent: (event: ProjectEventEntry) => void,
  ): Promise<Unsubscribe> {
    checkProjectId(projectId);
    checkAfterId(afterId);
    return this.projects.subscribe(projectTopic(projectId), afterId, (e) => onEvent(toEntry(projectId, e)));
  }

  // Not a generator of its own: with hundreds of subscribers per project every extra layer of
  // `for await … yield` costs a few promise turns per event per subscriber.
  events(
    projectId: string,
    options: { afterId?: string; signal?: AbortSignal } = {},
  ): AsyncGenerator<ProjectEventEntry> {
    checkProjectId(projectId);
    checkAfterId(options.afterId);
    return iterateTopic(this.projects, projectTopic(projectId), options.afterId, options.signal, (entry) =>
      toEntry(projectId, entry),
    );
  }

  async publishControl(jobId: string, signal: ControlSignal): Promise<void> {
    const parsed = controlMessageSchema.safeParse({ jobId, ...signal });
    if (!parsed.success) {
      throw new AppError("VALIDATION_ERROR", "A control signal needs a job id and a known type.", { jobId });
    }
    await this.source.append(CONTROL_TOPIC, parsed.data, CONTROL_MAX_LEN);
  }

  onControl(listener: (message: ControlMessage) => void): Promise<Unsubscribe> {
    return this.control.subscribe(CONTROL_TOPIC, undefined, (entry) => listener(entry.body));
  }

  async publishAccessChange(change: AccessChange): Promise<void> {
    const parsed = accessChangeSchema.safeParse(change);
    if (!parsed.success) {
      throw new AppError("VALIDATION_ERROR", "That access change is not one the bus knows.", {
        issues: z.treeifyError(parsed.error),
      });
    }
    await this.source.append(ACCESS_TOPIC, parsed.data, ACCESS_MAX_LEN);
  }

  onAccessChange(listener: (change: AccessChange) => void): Promise<Unsubscribe> {
    return this.access.subscribe(ACCESS_TOPIC, undefined, (entry) => listener(entry.body));
  }

  close(): void {
    this.projects.close();
    this.control.close();
    this.access.close();
  }
}

function toEntry(projectId: string, entry: TopicEntry<ProjectEvent>): ProjectEventEntry {
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

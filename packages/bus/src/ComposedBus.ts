import type { BusChannels } from "./events/BusChannels.ts";
import type {
  BusStats,
  ClaimOptions,
  DeadLetter,
  Delivery,
  JobBus,
  ProjectEventEntry,
  PublishResult,
  RequeueOptions,
  RetryOptions,
  Unsubscribe,
} from "./JobBus.ts";
import type {
  AccessChange,
  AttemptError,
  BusMessage,
  ControlMessage,
  ControlSignal,
  NodeHeartbeat,
  NodeInfo,
} from "./message.ts";
import type { PresenceEvent, PresenceEventInput, ProjectEventInput } from "@atelier/shared";
import type { PresenceChannel } from "./presence/PresenceChannel.ts";

/** What a bus implementation provides for jobs; RedisJobQueue and MemoryJobQueue. */
export interface JobQueue {
  publish(message: BusMessage): Promise<PublishResult>;
  publishMany(messages: BusMessage[]): Promise<PublishResult[]>;
  claim(options: ClaimOptions): Promise<Delivery[]>;
  ackMany(deliveries: Delivery[]): Promise<void>;
  extendLease(delivery: Delivery): Promise<boolean>;
  retryLater(delivery: Delivery, options: RetryOptions): Promise<void>;
  deadLetter(delivery: Delivery, options: { errors: AttemptError[] }): Promise<void>;
  listDeadLetters(count?: number): Promise<DeadLetter[]>;
  requeueDeadLetter(id: string, options: RequeueOptions): Promise<PublishResult>;
  dropDeadLetters(jobId: string): Promise<number>;
  stats(): Promise<BusStats>;
  close(): void;
}

export interface NodeRegistry {
  heartbeat(node: NodeHeartbeat, ttlMs: number): Promise<void>;
  listNodes(): Promise<NodeInfo[]>;
  removeNode(id: string): Promise<void>;
}

/** The JobBus surface, delegating to the three parts each implementation brings. */
export abstract class ComposedBus implements JobBus {
  private closing: Promise<void> | undefined;
  private readonly dataLossListeners = new Set<() => void>();

  protected constructor(
    private readonly jobs: JobQueue,
    private readonly nodes: NodeRegistry,
    private readonly channels: BusChannels,
    private readonly presence: PresenceChannel,
  ) {}

  protected abstract shutdown(): Promise<void>;

  publish(message: BusMessage): Promise<PublishResult> {
    return this.jobs.publish(message);
  }

  publishMany(messages: BusMessage[]): Promise<PublishResult[]> {
    return this.jobs.publishMany(messages);
  }

  claim(options: ClaimOptions): Promise<Delivery[]> {
    return this.jobs.claim(options);
  }

  ack(delivery: Delivery): Promise<void> {
    return this.jobs.ackMany([delivery]);
  }

  ackMany(deliveries: Delivery[]): Promise<void> {
    return this.jobs.ackMany(deliveries);
  }

  extendLease(delivery: Delivery): Promise<boolean> {
    return this.jobs.extendLease(delivery);
  }

  retryLater(delivery: Delivery, options: RetryOptions): Promise<void> {
    return this.jobs.retryLater(delivery, options);
  }

  deadLetter(delivery: Delivery, options: { errors: AttemptError[] }): Promise<void> {
    return this.jobs.deadLetter(delivery, options);
  }

  listDeadLetters(options: { count?: number } = {}): Promise<DeadLetter[]> {
    return this.jobs.listDeadLetters(options.count);
  }

  requeueDeadLetter(id: string, options: RequeueOptions = {}): Promise<PublishResult> {
    return this.jobs.requeueDeadLetter(id, options);
  }

  dropDeadLetters(jobId: string): Promise<number> {
    return this.jobs.dropDeadLetters(jobId);
  }

  stats(): Promise<BusStats> {
    return this.jobs.stats();
  }

  heartbeat(node: NodeHeartbeat, ttlMs: number): Promise<void> {
    return this.nodes.heartbeat(node, ttlMs);
  }

  listNodes(): Promise<NodeInfo[]> {
    return this.nodes.listNodes();
  }

  removeNode(id: string): Promise<void> {
    return this.nodes.removeNode(id);
  }

  appendEvent(projectId: string, event: ProjectEventInput): Promise<string> {
    return this.channels.appendEvent(projectId, event);
  }

  readEvents(projectId: string, afterId?: string, count?: number): Promise<ProjectEventEntry[]> {
    return this.channels.readEvents(projectId, afterId, count);
  }

  lastEventId(projectId: string): Promise<string> {
    return this.channels.lastEventId(projectId);
  }

  subscribeEvents(
    projectId: string,
    afterId: string | undefined,
    onEvent: (event: ProjectEventEntry) => void,
  ): Promise<Unsubscribe> {
    return this.channels.subscribeEvents(projectId, afterId, onEvent);
  }

  events(
    projectId: string,
    options?: { afterId?: string; signal?: AbortSignal },
  ): AsyncIterable<ProjectEventEntry> {
    return this.channels.events(projectId, options);
  }

  publishPresence(projectId: string, event: PresenceEventInput): Promise<void> {
    return this.presence.publish(projectId, event);
  }

  subscribePresence(projectId: string, listener: (event: PresenceEvent) => void): Promise<Unsubscribe> {
    return this.presence.subscribe(projectId, listener);
  }

  publishControl(jobId: string, signal: ControlSignal): Promise<void> {
    return this.channels.publishControl(jobId, signal);
  }

  onControl(listener: (message: ControlMessage) => void): Promise<Unsubscribe> {
    return this.channels.onControl(listener);
  }

  publishAccessChange(change: AccessChange): Promise<void> {
    return this.channels.publishAccessChange(change);
  }

  onAccessChange(listener: (change: AccessChange) => void): Promise<Unsubscribe> {
    return this.channels.onAccessChange(listener);
  }

  onDataLoss(listener: () => void): Unsubscribe {
    this.dataLossListeners.add(listener);
    return () => this.dataLossListeners.delete(listener);
  }

  protected notifyDataLoss(): void {
    for (const listener of this.dataLossListeners) listener();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.jobs.close();
      this.channels.close();
      await this.presence.close();
      await this.shutdown();
    })();
    return this.closing;
  }
}

import type {
  PresenceEvent,
  PresenceEventInput,
  PriorityClass,
  ProjectEvent,
  ProjectEventInput,
} from "@atelier/shared";
import type { VramTier } from "./tiers.ts";
import type {
  AccessChange,
  AttemptError,
  BusMessage,
  ControlMessage,
  ControlSignal,
  NodeHeartbeat,
  NodeInfo,
} from "./message.ts";

/** A claimed entry. Hand it back with exactly one of ack, retryLater or deadLetter. */
export interface Delivery {
  id: string;
  stream: string;
  consumer: string;
  message: BusMessage;
  /** 1 on the first delivery; higher when the entry was taken over after its lease expired. */
  deliveryCount: number;
}

export interface ClaimOptions {
  /** This node's consumer name; stable across restarts so its own pending entries come back to it. */
  consumer: string;
  freeVramMb: number;
  /** Free slots: the claim returns at most this many deliveries. */
  max: number;
  /** How long to wait for work when none is ready; 0 returns at once. */
  blockMs: number;
}

export interface PublishResult {
  /** False when the same jobId + attempt was already published recently (a harmless double publish). */
  published: boolean;
  stream: string;
  id?: string;
}

export interface RetryOptions {
  delayMs: number;
  /** The attempt number the job will carry when it comes back. */
  attempt: number;
  /** Why this attempt failed; kept in the message's history for the dead letter. */
  error?: Omit<AttemptError, "attempt" | "at"> & { at?: number };
}

export interface RequeueOptions {
  /** Start again at attempt 1, forgetting the error history. */
  resetAttempt?: boolean;
  /** The attempt the job carries when it comes back (default: the dead one's + 1). */
  attempt?: number;
}

export interface DeadLetter {
  id: string;
  message: BusMessage;
  errors: AttemptError[];
  /** The stream the job was in. */
  stream: string;
  reason: "failed" | "delivery_limit";
  deadAt: number;
}

export interface StreamStats {
  stream: string;
  priority: PriorityClass;
  tier: VramTier;
  /** Entries in the stream: waiting plus pending (acked entries are deleted). */
  depth: number;
  /** Delivered and not yet acked. */
  pending: number;
  /** Organizations with jobs waiting in this stream (claims take from them in turn). */
  organizations: number;
}

export interface BusStats {
  streams: StreamStats[];
  deadLetters: number;
  dueRetries: number;
}

/** A project event as its stream stored it. */
export interface ProjectEventEntry {
  /** `<ms>-<seq>`, monotonic per project; pass it back as `afterId` to resume. */
  id: string;
  projectId: string;
  event: ProjectEvent;
}

export type Unsubscribe = () => void;

export interface JobBus {
  publish(message: BusMessage): Promise<PublishResult>;
  publishMany(messages: BusMessage[]): Promise<PublishResult[]>;
  claim(options: ClaimOptions): Promise<Delivery[]>;
  ack(delivery: Delivery): Promise<void>;
  ackMany(deliveries: Delivery[]): Promise<void>;
  /** Resets the lease clock of a delivery still being worked on (long jobs); false once it was taken over. */
  extendLease(delivery: Delivery): Promise<boolean>;
  retryLater(delivery: Delivery, options: RetryOptions): Promise<void>;
  deadLetter(delivery: Delivery, options: { errors: AttemptError[] }): Promise<void>;
  listDeadLetters(options?: { count?: number }): Promise<DeadLetter[]>;
  /** Publishes the job again and removes it from the dead letters. */
  requeueDeadLetter(id: string, options?: RequeueOptions): Promise<PublishResult>;
  /** Removes a job's dead letters without publishing (the job was queued again another way); how many. */
  dropDeadLetters(jobId: string): Promise<number>;
  stats(): Promise<BusStats>;

  heartbeat(node: NodeHeartbeat, ttlMs: number): Promise<void>;
  listNodes(): Promise<NodeInfo[]>;
  removeNode(id: string): Promise<void>;

  /**
   * Checks the event against the shared protocol (VALIDATION_ERROR otherwise, also for `stream.ready`
   * and `resync`, which are said to one subscriber and never stored) and appends it.
   */
  appendEvent(projectId: string, event: ProjectEventInput): Promise<string>;
  /** Events after `afterId` (exclusive; all retained events when omitted), oldest first. */
  readEvents(projectId: string, afterId?: string, count?: number): Promise<ProjectEventEntry[]>;
  /** The id of the project's newest event ("0-0" when it has none): where a new subscriber starts. */
  lastEventId(projectId: string): Promise<string>;
  /**
   * Calls `onEvent` for every event after `afterId` (catch-up first, then live), or only for new
   * events when `afterId` is omitted. Resolves once the listener is live. When the stream no longer
   * holds what followed `afterId` (trimmed after a long disconnect, or lost with Redis's data), the
   * first call is a `resync` event carrying the id the stream goes on from.
   */
  subscribeEvents(
    projectId: string,
    afterId: string | undefined,
    onEvent: (event: ProjectEventEntry) => void,
  ): Promise<Unsubscribe>;
  events(
    projectId: string,
    options?: { afterId?: string; signal?: AbortSignal },
  ): AsyncIterable<ProjectEventEntry>;

  /**
   * Presence (cursors, selections; up to 20 a second per person) on its own short-lived channel:
   * never stored, heard only by listeners subscribed at the time. VALIDATION_ERROR for anything but
   * a presence event.
   */
  publishPresence(projectId: string, event: PresenceEventInput): Promise<void>;
  /** Resolves once the listener hears the project's presence published from then on, on every instance. */
  subscribePresence(projectId: string, listener: (event: PresenceEvent) => void): Promise<Unsubscribe>;

  publishControl(jobId: string, signal: ControlSignal): Promise<void>;
  /** Resolves once the listener is live; signals sent after that reach it. */
  onControl(listener: (message: ControlMessage) => void): Promise<Unsubscribe>;
  /** Tells every server instance that an access changed (see `AccessChange`). */
  publishAccessChange(change: AccessChange): Promise<void>;
  /** Resolves once the listener is live; changes published after that reach it, on every instance. */
  onAccessChange(listener: (change: AccessChange) => void): Promise<Unsubscribe>;
  /**
   * Called when the bus finds, on reconnecting, that its store lost every message (a Redis
   * restarted without persistence). Whoever owns the truth (the dispatcher) publishes again.
   */
  onDataLoss(listener: () => void): Unsubscribe;

  close(): Promise<void>;
}

export interface BusTuning {
  /** Idle time after which another consumer may take a delivery over. */
  leaseMs: number;
  /** Deliveries of one entry before the bus dead-letters it itself. */
  maxDeliveries: number;
  /** Every N-th claim round is an aging round (see claimOrder.ts). */
  agingEvery: number;
  /** How long a publish remembers jobId + attempt to drop doubles. */
  dedupeTtlMs: number;
  /** Project event streams keep about this many events. */
  eventsMaxLen: number;
  deadLettersMaxLen: number;
}

export const DEFAULT_TUNING: BusTuning = {
  leaseMs: 60_000,
  maxDeliveries: 5,
  agingEvery: 4,
  dedupeTtlMs: 60 * 60_000,
  eventsMaxLen: 10_000,
  deadLettersMaxLen: 100_000,
};

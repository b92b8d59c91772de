import { createLogger, type Logger } from "@atelier/shared";
import { ComposedBus } from "../ComposedBus.ts";
import { BusChannels } from "../events/BusChannels.ts";
import { type BusTuning, DEFAULT_TUNING } from "../JobBus.ts";
import { busKeys } from "../keys.ts";
import { MemoryJobQueue } from "./MemoryJobQueue.ts";
import { MemoryNodeRegistry } from "./MemoryNodeRegistry.ts";
import { MemoryTopicSource } from "./MemoryTopicSource.ts";
import { PresenceChannel } from "../presence/PresenceChannel.ts";
import { MemoryPubSub } from "./MemoryPubSub.ts";

export interface InProcessBusOptions {
  prefix?: string;
  tuning?: Partial<BusTuning>;
  logger?: Logger;
}

/** The job bus inside one process, for embedded mode with no Redis: same contract, nothing survives a restart. */
export class InProcessBus extends ComposedBus {
  readonly tuning: BusTuning;

  constructor(options: InProcessBusOptions = {}) {
    const keys = busKeys(options.prefix ?? "atelier");
    const tuning = { ...DEFAULT_TUNING, ...options.tuning };
    const log = options.logger ?? createLogger("bus");
    const topics = new MemoryTopicSource();
    const channels = new BusChannels(topics, tuning.eventsMaxLen, log);
    const presence = new PresenceChannel(new MemoryPubSub(), keys.presence, log);
    super(new MemoryJobQueue(keys, tuning, log), new MemoryNodeRegistry(), channels, presence);
    this.tuning = tuning;
  }

  protected async shutdown(): Promise<void> {}
}

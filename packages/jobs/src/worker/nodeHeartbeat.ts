import type { JobBus } from "@atelier/bus";
import { loadedModels } from "@atelier/pipeline";
import type { Logger } from "@atelier/shared";
import type { Capacity } from "./capacity.ts";
import { probeNvidiaSmi } from "./nvidiaSmi.ts";

export interface NodeHeartbeatOptions {
  nodeId: string;
  bus: JobBus;
  capacity: Capacity;
  providers: string[];
  /** nvidia-smi command, or null when the driver is not asked. */
  nvidiaSmi: string | null;
  intervalMs: number;
  ttlMs: number;
  runningJobs: () => string[];
  log: Logger;
}

/**
 * Tells the bus, every interval and after every change of what runs here, how much memory this node
 * has free; re-asks the driver on the timer. Beats never overlap and never throw.
 */
export class NodeHeartbeat {
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: NodeHeartbeatOptions) {}

  /** Sends the first beat and starts the timer. */
  async start(): Promise<void> {
    await this.beat(false);
    this.timer = setInterval(() => void this.beat(true), this.options.intervalMs);
  }

  beat(probeDriver: boolean): Promise<void> {
    const { bus, capacity, nvidiaSmi, log } = this.options;
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        if (probeDriver && nvidiaSmi) capacity.setDriverMemory(await probeNvidiaSmi(nvidiaSmi));
        await bus.heartbeat(
          {
            id: this.options.nodeId,
            totalVramMb: capacity.totalVramMb,
            freeVramMb: capacity.freeVramMb,
            reservedVramMb: capacity.reservedVramMb,
            providers: this.options.providers,
            models: loadedModels().map((m) => m.name),
            runningJobs: this.options.runningJobs(),
          },
          this.options.ttlMs,
        );
      } catch (err) {
        log.warn({ err }, "heartbeat failed");
      }
    });
    return this.chain;
  }

  /** Stops beating; the caller removes the node from the list. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
    this.stopped = true;
  }
}

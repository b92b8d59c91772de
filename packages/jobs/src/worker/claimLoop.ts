import type { Delivery, JobBus } from "@atelier/bus";
import type { Logger } from "@atelier/shared";
import { sleep } from "../timing.ts";
import type { Capacity } from "./capacity.ts";

/** Below this much free model memory a node takes CPU-only work in batches; above, one job per claim. */
const BATCH_CLAIM_BELOW_MB = 2048;
const CLAIM_RETRY_MS = 500;
/** Longest wait for a running job to end before claiming is tried again. */
const ROOM_WAIT_MS = 1000;

export interface ClaimLoopOptions {
  nodeId: string;
  bus: JobBus;
  capacity: Capacity;
  claimBlockMs: number;
  log: Logger;
  /** Called for each claimed delivery while the loop runs. */
  onDelivery(delivery: Delivery): void;
  /** Called for a delivery claimed after stop was asked: it must go back to the bus. */
  onLateDelivery(delivery: Delivery): Promise<void>;
}

/**
 * Claims what fits this node's free memory until stopped. Deliveries of one claim are each checked
 * against the free memory alone, so a node with room for a GPU job claims one at a time; CPU-only
 * jobs may come in a batch.
 */
export class ClaimLoop {
  private stopping = false;
  private readonly stopSignal = new AbortController();
  private roomWaiter: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(private readonly options: ClaimLoopOptions) {
    this.done = this.run();
  }

  /** A running job ended: wake the loop if it waits for room. */
  roomFreed(): void {
    this.roomWaiter?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    this.roomWaiter?.();
    await this.done;
  }

  private async run(): Promise<void> {
    const { bus, capacity, nodeId, log } = this.options;
    while (!this.stopping) {
      const slots = capacity.memorySlots;
      if (slots === 0) {
        await this.waitForRoom();
        continue;
      }
      const freeVramMb = capacity.freeModelMemoryMb;
      let deliveries: Delivery[];
      try {
        deliveries = await bus.claim({
          consumer: nodeId,
          freeVramMb,
          max: freeVramMb >= BATCH_CLAIM_BELOW_MB ? 1 : slots,
          blockMs: this.options.claimBlockMs,
        });
      } catch (err) {
        log.warn({ err }, "claim failed; retrying");
        await sleep(CLAIM_RETRY_MS, this.stopSignal.signal);
        continue;
      }
      for (const delivery of deliveries) {
        if (this.stopping) await this.options.onLateDelivery(delivery);
        else this.options.onDelivery(delivery);
      }
    }
  }

  private waitForRoom(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.roomWaiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, ROOM_WAIT_MS);
      this.roomWaiter = done;
    });
  }
}

/**
 * One simulated GPU node: the worker's claim loop (packages/jobs/src/worker/claimLoop.ts) on the
 * real RedisJobQueue, with heartbeats, lease extension for long jobs, and a node's three ways out:
 * leave (stop claiming, finish what it holds), die (drop everything; its deliveries wait out the
 * lease and another node takes them over).
 */
import type { Delivery } from "@atelier/bus";
import type { RedisJobQueue } from "../../packages/bus/src/redis/RedisJobQueue.ts";
import type { RedisNodeRegistry } from "../../packages/bus/src/redis/RedisNodeRegistry.ts";
import type { SimNodeSpec } from "./workload.ts";

/** Same rule as the worker's claim loop: below this free memory, CPU-only work comes in batches. */
const BATCH_CLAIM_BELOW_MB = 2048;
const ROOM_WAIT_MS = 1000;

export interface NodeWorld {
  /** A job queue of the node's own, as each node has its own bus (its own claim rounds and reclaim clock). */
  makeQueue(): RedisJobQueue;
  registry: RedisNodeRegistry;
  leaseMs: number;
  heartbeatMs: number;
  claimBlockMs: number;
  onClaimed(delivery: Delivery, node: SimNode): void;
  onDone(delivery: Delivery): void;
  onLeaseLost(delivery: Delivery): void;
}

interface Running {
  delivery: Delivery;
  timers: NodeJS.Timeout[];
}

export class SimNode {
  state: "idle" | "running" | "leaving" | "dead" | "gone" = "idle";
  usedVramMb = 0;
  readonly running = new Map<string, Running>();
  /** The free memory the claim in flight was asked with (its read order is fixed for the whole wait). */
  claimingWithMb: number | undefined;
  private roomWaiter: (() => void) | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> = Promise.resolve();
  private readonly queue: RedisJobQueue;

  constructor(
    readonly spec: SimNodeSpec,
    private readonly world: NodeWorld,
  ) {
    this.queue = world.makeQueue();
  }

  get freeVramMb(): number {
    return this.spec.vramMb - this.usedVramMb;
  }

  get freeSlots(): number {
    return this.spec.slots - this.running.size;
  }

  start(): void {
    this.state = "running";
    void this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.world.heartbeatMs);
    this.loop = this.claimLoop();
  }

  /** Stops claiming; goes once the jobs it holds are done. */
  leave(): Promise<void> {
    if (this.state === "running") this.state = "leaving";
    this.roomWaiter?.();
    return this.loop;
  }

  /** Stops dead: no ack, no heartbeat, no lease extension. */
  die(): void {
    this.state = "dead";
    clearInterval(this.heartbeatTimer);
    for (const { timers } of this.running.values()) for (const t of timers) clearTimeout(t);
    this.running.clear();
    this.roomWaiter?.();
    this.queue.close();
  }

  private async heartbeat(): Promise<void> {
    if (this.state === "dead" || this.state === "gone") return;
    await this.world.registry
      .heartbeat(
        {
          id: this.spec.id,
          totalVramMb: this.spec.vramMb,
          freeVramMb: this.freeVramMb,
          reservedVramMb: 0,
          providers: this.spec.vramMb > 0 ? ["cuda", "cpu"] : ["cpu"],
          models: [],
          runningJobs: [...this.running.values()].map((r) => r.delivery.message.jobId),
        },
        this.world.heartbeatMs * 3,
      )
      .catch(() => undefined);
  }

  private async claimLoop(): Promise<void> {
    while (this.state === "running") {
      const slots = this.freeSlots;
      if (slots === 0) {
        await this.waitForRoom();
        continue;
      }
      const freeVramMb = this.freeVramMb;
      let deliveries: Delivery[];
      this.claimingWithMb = freeVramMb;
      try {
        deliveries = await this.queue.claim({
          consumer: this.spec.id,
          freeVramMb,
          max: freeVramMb >= BATCH_CLAIM_BELOW_MB ? 1 : slots,
          blockMs: this.world.claimBlockMs,
        });
      } catch {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      } finally {
        this.claimingWithMb = undefined;
      }
      // A node that died mid-claim never sees what it claimed: those wait out the lease.
      if ((this.state as SimNode["state"]) === "dead") return;
      for (const d of deliveries) this.run(d);
    }
    while (this.running.size > 0 && (this.state as SimNode["state"]) === "leaving") await this.waitForRoom();
    if ((this.state as SimNode["state"]) === "leaving") {
      this.state = "gone";
      clearInterval(this.heartbeatTimer);
      this.queue.close();
      await this.world.registry.removeNode(this.spec.id).catch(() => undefined);
    }
  }

  private run(delivery: Delivery): void {
    const vramMb = delivery.message.vramMb;
    const durationMs = Number(delivery.message.payload?.ms ?? 0);
    this.usedVramMb += vramMb;
    this.world.onClaimed(delivery, this);
    const timers: NodeJS.Timeout[] = [];
    const entry: Running = { delivery, timers };
    this.running.set(delivery.id, entry);
    const extendEvery = Math.floor(this.world.leaseMs / 3);
    for (let at = extendEvery; at < durationMs; at += extendEvery) {
      timers.push(
        setTimeout(() => {
          void this.queue.extendLease(delivery).then((kept) => {
            if (!kept) this.world.onLeaseLost(delivery);
          });
        }, at),
      );
    }
    timers.push(
      setTimeout(() => {
        for (const t of timers) clearTimeout(t);
        this.running.delete(delivery.id);
        this.usedVramMb -= vramMb;
        void this.queue.ackMany([delivery]).then(() => this.world.onDone(delivery));
        this.roomWaiter?.();
      }, durationMs),
    );
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

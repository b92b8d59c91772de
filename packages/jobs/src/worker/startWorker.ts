import { totalmem } from "node:os";
import type { Delivery, JobBus, Unsubscribe } from "@atelier/bus";
import type { Database } from "@atelier/db";
import {
  catalogue as fullCatalogue,
  loadedModels,
  type PipelineEnv,
  type StepCatalogue,
} from "@atelier/pipeline";
import type { Logger } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import { sleep } from "../timing.ts";
import { Capacity } from "./capacity.ts";
import { EventSink } from "./eventSink.ts";
import { executeJob } from "./executeJob.ts";
import { probeNvidiaSmi } from "./nvidiaSmi.ts";
import { settleFailure } from "./settleFailure.ts";
import type { RunningJob, WorkerContext } from "./workerContext.ts";

export interface WorkerOptions {
  /** Also the bus consumer name: keep it stable across restarts so the node's pending entries come back to it. */
  nodeId: string;
  db: Database;
  bus: JobBus;
  storage: ObjectStorage;
  pipelineEnv: PipelineEnv;
  /** VRAM this node may give to jobs, in MiB (0: CPU-only node). */
  vramBudgetMb: number;
  /** RAM this node may give to jobs, in MiB. Default half the machine's memory. */
  memoryBudgetMb?: number;
  /** RAM one job is expected to hold, in MiB. Default 1024. */
  jobMemoryMb?: number;
  log: Logger;
  catalogue?: StepCatalogue;
  /** Default 5000; the heartbeat lives 3 intervals. */
  heartbeatMs?: number;
  /** Longest wait for work in one claim. Default 1000. */
  claimBlockMs?: number;
  /** How often a running job extends its bus lease and touches its row. Default 20 000 (a third of the bus lease). */
  leaseRenewMs?: number;
  /** Retry backoff: full jitter up to min(cap, base * 2^(attempt-1)). Defaults 1000 and 60 000. */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** How long `stop()` waits for running jobs before handing them back. Default 30 000. */
  drainTimeoutMs?: number;
  /** nvidia-smi command, or false to never ask the driver. Default "nvidia-smi". */
  nvidiaSmi?: string | false;
  downloadUrlTtlSec?: number;
  maxInputBytes?: number;
}

export interface WorkerStatus {
  nodeId: string;
  totalVramMb: number;
  freeVramMb: number;
  reservedVramMb: number;
  reservedMemoryMb: number;
  runningJobs: string[];
  stopping: boolean;
}

export interface Worker {
  /** Stops claiming, waits up to the drain timeout for running jobs, hands the rest back, leaves the node list. */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
  status(): WorkerStatus;
}

/** A node that registers, heartbeats and runs jobs that fit its free memory until stopped. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { nodeId, bus, log } = options;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const claimBlockMs = options.claimBlockMs ?? 1000;
  const ctx: WorkerContext = {
    nodeId,
    db: options.db,
    bus,
    storage: options.storage,
    pipelineEnv: options.pipelineEnv,
    catalogue: options.catalogue ?? fullCatalogue,
    log,
    retryBaseMs: options.retryBaseMs ?? 1000,
    retryCapMs: options.retryCapMs ?? 60_000,
    leaseRenewMs: options.leaseRenewMs ?? 20_000,
    downloadUrlTtlSec: options.downloadUrlTtlSec ?? 3600,
    maxInputBytes: options.maxInputBytes ?? 200 * 1024 * 1024,
  };
  const capacity = new Capacity({
    vramBudgetMb: options.vramBudgetMb,
    memoryBudgetMb: options.memoryBudgetMb ?? Math.floor(totalmem() / 2 ** 20 / 2),
    jobMemoryMb: options.jobMemoryMb ?? 1024,
  });
  const running = new Map<string, RunningJob>();
  const tasks = new Map<string, Promise<void>>();
  const stopController = new AbortController();
  let stopping = false;
  let roomWaiter: (() => void) | undefined;

  let nvidiaSmi = options.nvidiaSmi === false ? null : (options.nvidiaSmi ?? "nvidia-smi");
  if (nvidiaSmi) {
    const memory = await probeNvidiaSmi(nvidiaSmi);
    // Absent or failing at start means no driver to ask: the budget alone counts from then on.
    if (!memory) nvidiaSmi = null;
    capacity.setDriverMemory(memory);
  }

  const status = (): WorkerStatus => ({
    nodeId,
    totalVramMb: capacity.totalVramMb,
    freeVramMb: capacity.freeVramMb,
    reservedVramMb: capacity.reservedVramMb,
    reservedMemoryMb: capacity.reservedMemoryMb,
    runningJobs: [...running.values()].map((r) => r.jobId),
    stopping,
  });

  let beatChain: Promise<void> = Promise.resolve();
  const heartbeat = (probe: boolean) => {
    beatChain = beatChain.then(async () => {
      if (stopping && running.size === 0) return;
      try {
        if (probe && nvidiaSmi) capacity.setDriverMemory(await probeNvidiaSmi(nvidiaSmi));
        const s = status();
        await bus.heartbeat(
          {
            id: nodeId,
            totalVramMb: s.totalVramMb,
            freeVramMb: s.freeVramMb,
            reservedVramMb: s.reservedVramMb,
            providers: options.pipelineEnv.executionProviders,
            models: loadedModels().map((m) => m.name),
            runningJobs: s.runningJobs,
          },
          heartbeatMs * 3,
        );
      } catch (err) {
        log.warn({ err }, "heartbeat failed");
      }
    });
    return beatChain;
  };
  await heartbeat(false);
  const heartbeatTimer = setInterval(() => void heartbeat(true), heartbeatMs);

  const unsubscribeControl: Unsubscribe = await bus.onControl((message) => {
    if (message.type !== "cancel") return;
    for (const run of running.values()) {
      if (run.jobId !== message.jobId) continue;
      run.stopReason ??= "cancel";
      run.controller.abort();
    }
  });

  const start = (delivery: Delivery) => {
    const run: RunningJob = {
      key: delivery.id,
      delivery,
      jobId: delivery.message.jobId,
      attempt: delivery.message.attempt,
      controller: new AbortController(),
    };
    capacity.reserve(run.key, delivery.message.vramMb);
    running.set(run.key, run);
    void heartbeat(false);
    let sink: EventSink | undefined;
    const makeSink = (job: { projectId: string }) => {
      sink = new EventSink(bus, job.projectId, log);
      return sink;
    };
    const task = executeJob(ctx, run, makeSink)
      .catch((err: unknown) => settleFailure(ctx, run, err, sink))
      .catch((err: unknown) =>
        log.error({ err, jobId: run.jobId }, "job could not be settled; its lease will expire"),
      )
      .finally(() => {
        capacity.release(run.key);
        running.delete(run.key);
        tasks.delete(run.key);
        void heartbeat(false);
        roomWaiter?.();
      });
    tasks.set(run.key, task);
  };

  const waitForRoom = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        roomWaiter = undefined;
        resolve();
      }
      roomWaiter = done;
    });

  const claimLoop = async () => {
    while (!stopping) {
      const slots = capacity.memorySlots;
      if (slots === 0) {
        await waitForRoom(1000);
        continue;
      }
      const freeVramMb = capacity.freeModelMemoryMb;
      // Deliveries of one claim are each checked against the free memory alone, so a node
      // with room for a GPU job claims one at a time; CPU-only jobs may come in a batch.
      const max = freeVramMb >= 2048 ? 1 : slots;
      let deliveries: Delivery[];
      try {
        deliveries = await bus.claim({ consumer: nodeId, freeVramMb, max, blockMs: claimBlockMs });
      } catch (err) {
        log.warn({ err }, "claim failed; retrying");
        await sleep(500, stopController.signal);
        continue;
      }
      for (const delivery of deliveries) {
        if (stopping) {
          await bus
            .retryLater(delivery, { delayMs: 0, attempt: delivery.message.attempt })
            .catch((err: unknown) => log.warn({ err }, "claimed job not handed back; its lease will expire"));
        } else start(delivery);
      }
    }
  };
  const loopDone = claimLoop();

  let stopped: Promise<void> | undefined;
  const stop = (stopOptions: { drainTimeoutMs?: number } = {}) => {
    stopped ??= (async () => {
      stopping = true;
      stopController.abort();
      roomWaiter?.();
      await loopDone;
      const drainMs = stopOptions.drainTimeoutMs ?? options.drainTimeoutMs ?? 30_000;
      await Promise.race([Promise.all(tasks.values()), sleep(drainMs)]);
      for (const run of running.values()) {
        run.stopReason = "handback";
        run.controller.abort();
      }
      await Promise.race([Promise.all(tasks.values()), sleep(10_000)]);
      clearInterval(heartbeatTimer);
      unsubscribeControl();
      await beatChain;
      await bus.removeNode(nodeId).catch((err: unknown) => log.warn({ err }, "node not removed"));
      log.info({ nodeId }, "worker stopped");
    })();
    return stopped;
  };

  log.info(status(), "worker started");
  return { stop, status };
}

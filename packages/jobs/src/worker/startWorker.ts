import { totalmem } from "node:os";
import type { Delivery, JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import { catalogue as fullCatalogue, type PipelineEnv, type StepCatalogue } from "@atelier/pipeline";
import type { Logger } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import { JobLifecycle } from "../lifecycle/jobLifecycle.ts";
import { type JobTiming, jobTiming, sleep } from "../timing.ts";
import { Capacity } from "./capacity.ts";
import { ClaimLoop } from "./claimLoop.ts";
import { EventSink } from "./eventSink.ts";
import type { JobRun } from "./jobRun.ts";
import { NodeHeartbeat } from "./nodeHeartbeat.ts";
import { probeNvidiaSmi } from "./nvidiaSmi.ts";
import { nodeVramFreeMb, nodeVramReservedMb, sampleOnScrape } from "@atelier/telemetry";
import { runJob } from "./runJob.ts";
import { withRunTelemetry } from "./runTelemetry.ts";
import type { WorkerContext } from "./workerContext.ts";

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
  /** Leases and intervals; derive it from the same `BUS_LEASE_MS` as the bus (see `jobTiming`). */
  timing?: JobTiming;
  /** nvidia-smi command, or false to never ask the driver. Default "nvidia-smi". */
  nvidiaSmi?: string | false;
  /** Largest original a job may read. Default 200 MiB. */
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

const DEFAULT_JOB_MEMORY_MB = 1024;
const DEFAULT_MAX_INPUT_BYTES = 200 * 1024 * 1024;

/** A node that registers, heartbeats and runs jobs that fit its free memory until stopped. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { nodeId, bus, log } = options;
  const timing = options.timing ?? jobTiming();
  const ctx: WorkerContext = {
    nodeId,
    db: options.db,
    bus,
    storage: options.storage,
    lifecycle: new JobLifecycle({ db: options.db, bus, storage: options.storage, log, timing }),
    pipelineEnv: options.pipelineEnv,
    catalogue: options.catalogue ?? fullCatalogue,
    log,
    timing,
    maxInputBytes: options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES,
  };
  const capacity = new Capacity({
    vramBudgetMb: options.vramBudgetMb,
    memoryBudgetMb: options.memoryBudgetMb ?? Math.floor(totalmem() / 2 ** 20 / 2),
    jobMemoryMb: options.jobMemoryMb ?? DEFAULT_JOB_MEMORY_MB,
  });
  const runs = new Map<string, JobRun>();
  const tasks = new Map<string, Promise<void>>();
  let stopping = false;

  let nvidiaSmi = options.nvidiaSmi === false ? null : (options.nvidiaSmi ?? "nvidia-smi");
  if (nvidiaSmi) {
    const memory = await probeNvidiaSmi(nvidiaSmi);
    // Absent or failing at start means no driver to ask: the budget alone counts from then on.
    if (!memory) nvidiaSmi = null;
    capacity.setDriverMemory(memory);
  }

  // A job's next attempt may start while its failed attempt still ends: each job once.
  const runningJobs = () => [...new Set([...runs.values()].map((r) => r.jobId))];
  const status = (): WorkerStatus => ({
    nodeId,
    totalVramMb: capacity.totalVramMb,
    freeVramMb: capacity.freeVramMb,
    reservedVramMb: capacity.reservedVramMb,
    reservedMemoryMb: capacity.reservedMemoryMb,
    runningJobs: runningJobs(),
    stopping,
  });

  // This node's VRAM, read when Prometheus scrapes the node's /metrics.
  const stopSampling = sampleOnScrape(() => {
    nodeVramFreeMb.set({ node: nodeId }, capacity.freeVramMb);
    nodeVramReservedMb.set({ node: nodeId }, capacity.reservedVramMb);
  });

  const heartbeat = new NodeHeartbeat({
    nodeId,
    bus,
    capacity,
    providers: options.pipelineEnv.executionProviders,
    nvidiaSmi,
    intervalMs: timing.heartbeatMs,
    ttlMs: timing.heartbeatTtlMs,
    runningJobs,
    log,
  });
  await heartbeat.start();

  const unsubscribeControl = await bus.onControl((message) => {
    for (const run of runs.values()) {
      if (run.jobId !== message.jobId) continue;
      run.stopReason ??= "cancel";
      run.controller.abort();
    }
  });

  const start = (delivery: Delivery) => {
    const { jobId, attempt } = delivery.message;
    if ([...runs.values()].some((r) => r.jobId === jobId && r.attempt >= attempt)) {
      // A second entry for an attempt this node already runs (a re-publish raced the original):
      // drop it. A later attempt is not a duplicate: a retry due at once is claimed while its
      // failed attempt is still ending here, and dropping it would leave the job queued forever.
      log.info({ jobId, attempt }, "duplicate delivery dropped");
      void bus
        .ack(delivery)
        .catch((err: unknown) => log.warn({ err }, "duplicate delivery not acknowledged"));
      return;
    }
    const run: JobRun = {
      key: delivery.id,
      delivery,
      jobId,
      nodeId,
      attempt,
      controller: new AbortController(),
      events: new EventSink(bus, delivery.message.projectId, log),
    };
    capacity.reserve(run.key, delivery.message.vramMb);
    runs.set(run.key, run);
    void heartbeat.beat(false);
    const task = withRunTelemetry(run, () => runJob(ctx, run))
      .catch((err: unknown) => ctx.lifecycle.settle(run, err))
      .catch((err: unknown) =>
        log.error({ err, jobId: run.jobId }, "job could not be settled; its lease will expire"),
      )
      .finally(() => {
        capacity.release(run.key);
        runs.delete(run.key);
        tasks.delete(run.key);
        void heartbeat.beat(false);
        claims.roomFreed();
      });
    tasks.set(run.key, task);
  };

  const claims = new ClaimLoop({
    nodeId,
    bus,
    capacity,
    claimBlockMs: timing.claimBlockMs,
    log,
    onDelivery: start,
    onLateDelivery: (delivery) =>
      bus
        .retryLater(delivery, { delayMs: 0, attempt: delivery.message.attempt })
        .catch((err: unknown) => log.warn({ err }, "claimed job not handed back; its lease will expire")),
  });

  let stopped: Promise<void> | undefined;
  const stop = (stopOptions: { drainTimeoutMs?: number } = {}) => {
    stopped ??= (async () => {
      stopping = true;
      await claims.stop();
      const drainMs = stopOptions.drainTimeoutMs ?? timing.drainTimeoutMs;
      await Promise.race([Promise.all(tasks.values()), sleep(drainMs)]);
      for (const run of runs.values()) {
        run.stopReason = "handback";
        run.controller.abort();
      }
      await Promise.race([Promise.all(tasks.values()), sleep(timing.handBackTimeoutMs)]);
      unsubscribeControl();
      await heartbeat.stop();
      stopSampling();
      await bus.removeNode(nodeId).catch((err: unknown) => log.warn({ err }, "node not removed"));
      log.info({ nodeId }, "worker stopped");
    })();
    return stopped;
  };

  log.info(status(), "worker started");
  return { stop, status };
}

import { createBus } from "@atelier/bus";
import { createDatabase } from "@atelier/db";
import { joinFleet, jobTiming, startWorker, storageIdentity } from "@atelier/jobs";
import { releaseSessions, type StepCatalogue } from "@atelier/pipeline";
import { createLogger, isAppError } from "@atelier/shared";
import { createStorage } from "@atelier/storage";
import { startProbeServer, startTracing } from "@atelier/telemetry";
import { loadNodeConfig } from "./env.ts";

export interface RunNodeOptions {
  /** Steps this node runs; the production catalogue unless a test entry point passes its own. */
  catalogue?: StepCatalogue;
}

/** The GPU node process: one worker until SIGTERM or SIGINT, then a drain and a clean exit. */
export async function runNode(options: RunNodeOptions = {}): Promise<void> {
  let config: ReturnType<typeof loadNodeConfig>;
  try {
    config = loadNodeConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(78);
  }
  const log = createLogger("gpu-node", config.logLevel);
  const tracing = await startTracing({ serviceName: "atelier-gpu-node" });
  const timing = jobTiming({ leaseMs: config.leaseMs, drainTimeoutMs: config.drainTimeoutMs });
  let fleet: Awaited<ReturnType<typeof joinFleet>>;
  try {
    fleet = await joinFleet({
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      settings: {
        role: "node",
        leaseMs: config.leaseMs,
        storage: config.storage.kind === "s3" ? storageIdentity(config.storage) : "local",
        secret: config.storage.kind === "local" ? config.storage.secret : undefined,
        publicUrl: config.storage.kind === "local" ? config.storage.publicBaseUrl : undefined,
      },
      log,
    });
  } catch (err) {
    if (!isAppError(err)) throw err;
    console.error(err.message);
    process.exit(78);
  }
  let database: Awaited<ReturnType<typeof createDatabase>>;
  try {
    database = await createDatabase({ url: config.databaseUrl, maxConnections: 5, migrate: config.migrate });
  } catch (err) {
    if (!isAppError(err)) throw err;
    // An older schema (or none yet): say what to run rather than print a stack.
    console.error(err.message);
    process.exit(1);
  }
  const bus = createBus({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    tuning: { leaseMs: timing.leaseMs },
    logger: log.child({ part: "bus" }),
  });
  const storage = createStorage(config.storage);
  const worker = await startWorker({
    nodeId: config.nodeId,
    db: database.db,
    bus,
    storage,
    pipelineEnv: { ...config.pipeline, log },
    vramBudgetMb: config.vramBudgetMb,
    memoryBudgetMb: config.memoryBudgetMb,
    jobMemoryMb: config.jobMemoryMb,
    timing,
    log,
    catalogue: options.catalogue,
  });
  const probes = await startProbeServer({
    ...config.http,
    checks: {
      database: () => database.db.execute("select 1"),
      bus: () => bus.stats(),
      storage: () => storage.head("readyz/probe"),
    },
  });
  log.info({ nodeId: config.nodeId, httpPort: probes.port }, "node ready: /healthz, /readyz, /metrics");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: draining running jobs");
    try {
      await worker.stop();
      // Jobs have drained or been handed back: release the model sessions and end their threads.
      await releaseSessions();
      await probes.close();
      await tracing?.shutdown();
      await bus.close();
      await database.close();
      await fleet.stop();
      process.exit(0);
    } catch (err) {
      log.error({ err }, "unclean shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

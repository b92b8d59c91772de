import { hostname } from "node:os";
import { join, resolve } from "node:path";
import type { StorageConfigInput } from "@atelier/storage";
import { leaseMsSetting } from "@atelier/jobs";
import { type PipelineSettings, pipelineSettingsOf, pipelineSettingsShape } from "@atelier/pipeline";
import { AppError } from "@atelier/shared";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const mib = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a number of MiB, e.g. 8192.` })
    .int(`${what} must be a whole number of MiB.`)
    .min(0, `${what} cannot be negative.`);
const positiveMs = (what: string) =>
  z.coerce
    .number({ error: `${what} must be milliseconds, e.g. 60000.` })
    .int()
    .positive(`${what} must be above 0.`);

/** Every setting the GPU node reads. Nothing else reads process.env. */
const envSchema = z.object({
  REDIS_URL: z.url({
    error: "REDIS_URL is required: the Redis the server uses, e.g. redis://10.0.0.5:6379.",
  }),
  REDIS_PREFIX: z.string().min(1).default("atelier"),
  DATABASE_URL: z.url({
    error: "DATABASE_URL is required: the server's Postgres, e.g. postgres://user@db/atelier.",
  }),
  /**
   * `check` (default): refuse a database whose schema is behind this release (run `atelier-server
   * migrate` first); `auto`: migrate at start under the same advisory lock as the server.
   */
  ATELIER_MIGRATE: z.enum(["auto", "check"]).default("check"),
  /** Port of the node's own HTTP endpoints: /healthz, /readyz (database, Redis, storage) and /metrics. */
  NODE_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9400),
  NODE_HTTP_HOST: z.string().default("0.0.0.0"),
  /** Stable per machine so a restarted node gets its own unfinished jobs back; default hostname-pid. */
  NODE_ID: z.string().min(1).max(200).optional(),
  /** VRAM this node gives to jobs (0: a CPU-only node). */
  NODE_VRAM_BUDGET_MB: mib("NODE_VRAM_BUDGET_MB").default(0),
  /** RAM this node gives to jobs; default half the machine's memory. */
  NODE_MEMORY_BUDGET_MB: mib("NODE_MEMORY_BUDGET_MB").optional(),
  /** RAM one job is expected to hold. */
  NODE_JOB_MEMORY_MB: mib("NODE_JOB_MEMORY_MB").default(1024),
  /** How long SIGTERM waits for running jobs before handing them back. */
  NODE_DRAIN_TIMEOUT_MS: positiveMs("NODE_DRAIN_TIMEOUT_MS").default(30_000),
  /** Idle time after which another node takes a job over; every lease and interval derives from it. */
  BUS_LEASE_MS: leaseMsSetting,
  /** MAX_INPUT_PIXELS, EXECUTION_PROVIDERS, ATELIER_MODELS_DIR, REPLICATE_*: read alike by the server and the CLI. */
  ...pipelineSettingsShape,
  /** Local storage (the server's data folder, shared with this machine), unless S3_BUCKET is set. */
  ATELIER_DATA_DIR: z.string().optional(),
  ATELIER_SECRET: z
    .string()
    .min(32, "ATELIER_SECRET must be at least 32 characters (the server's secret).")
    .optional(),
  ATELIER_PUBLIC_URL: z
    .url({ error: "ATELIER_PUBLIC_URL must be the URL people open, e.g. https://atelier.example.com." })
    .optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_ENDPOINT: z.url().optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface NodeConfig {
  nodeId: string;
  redisUrl: string;
  redisPrefix: string;
  databaseUrl: string;
  migrate: "auto" | "check";
  http: { port: number; host: string };
  vramBudgetMb: number;
  memoryBudgetMb: number | undefined;
  jobMemoryMb: number;
  drainTimeoutMs: number;
  leaseMs: number;
  storage: StorageConfigInput;
  logLevel: string;
  pipeline: PipelineSettings;
}

/** Reads and checks the node's settings; a CONFIG_ERROR lists every bad value with what to do. */
export function loadNodeConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  const e = parsed.data;
  if (e && !e.S3_BUCKET) {
    const missing = (["ATELIER_DATA_DIR", "ATELIER_SECRET", "ATELIER_PUBLIC_URL"] as const).filter(
      (k) => !e[k],
    );
    for (const key of missing) {
      problems.push(`${key}: required for local storage (or set S3_BUCKET and the other S3_* settings).`);
    }
  }
  if (e?.S3_BUCKET && (e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push("S3_ACCESS_KEY_ID: give both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither.");
  }
  if (!e || problems.length > 0) {
    throw new AppError(
      "CONFIG_ERROR",
      `The GPU node cannot start; fix these settings:\n  ${problems.join("\n  ")}`,
      {
        problems,
      },
    );
  }
  const storage: StorageConfigInput = e.S3_BUCKET
    ? {
        kind: "s3",
        bucket: e.S3_BUCKET,
        region: e.S3_REGION,
        endpoint: e.S3_ENDPOINT,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
        accessKeyId: e.S3_ACCESS_KEY_ID,
        secretAccessKey: e.S3_SECRET_ACCESS_KEY,
        publicEndpoint: e.S3_PUBLIC_ENDPOINT,
      }
    : {
        kind: "local",
        // The server keeps objects in <data dir>/storage; the node must see the same folder.
        dir: join(resolve(e.ATELIER_DATA_DIR!), "storage"),
        publicBaseUrl: e.ATELIER_PUBLIC_URL!,
        secret: e.ATELIER_SECRET!,
      };
  return {
    nodeId: e.NODE_ID ?? `${hostname()}-${process.pid}`,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    databaseUrl: e.DATABASE_URL,
    migrate: e.ATELIER_MIGRATE,
    http: { port: e.NODE_HTTP_PORT, host: e.NODE_HTTP_HOST },
    vramBudgetMb: e.NODE_VRAM_BUDGET_MB,
    memoryBudgetMb: e.NODE_MEMORY_BUDGET_MB,
    jobMemoryMb: e.NODE_JOB_MEMORY_MB,
    drainTimeoutMs: e.NODE_DRAIN_TIMEOUT_MS,
    leaseMs: e.BUS_LEASE_MS,
    storage,
    logLevel: e.LOG_LEVEL,
    pipeline: pipelineSettingsOf(e),
  };
}

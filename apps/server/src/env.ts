import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MigrationPolicy } from "@atelier/db";
import { leaseMsSetting } from "@atelier/jobs";
import { type PipelineSettings, pipelineSettingsOf, pipelineSettingsShape } from "@atelier/pipeline";
import { AppError } from "@atelier/shared";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./http/clientAddress.ts";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** Every setting the server reads, with its default. Nothing else reads process.env. */
const envSchema = z.object({
  /** Port for HTTP and WebSocket; 0 picks a free one. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address to listen on. */
  HOST: z.string().default("0.0.0.0"),
  /**
   * Server processes sharing PORT (default 1); more use more cores. Above 1 it needs DATABASE_URL
   * and REDIS_URL.
   */
  ATELIER_SERVER_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * Submissions arriving while others are being written go to the database in one statement
   * (default on); false writes each on its own.
   */
  ATELIER_GROUP_COMMIT: bool.default(true),
  /** URL people open; used in signed storage URLs and the Origin check. Default http://localhost:PORT. */
  ATELIER_PUBLIC_URL: z.url().optional(),
  /**
   * Which reverse proxies may name the client in X-Forwarded-For (for per-address sign-in limits):
   * unset/false for none (the socket's peer is the client), a hop count, or their addresses and CIDRs.
   */
  ATELIER_TRUST_PROXY: z
    .string()
    .default("")
    .refine((v) => parseTrustProxy(v) !== null, "Use a hop count or comma-separated addresses / CIDRs."),
  /** Extra origins allowed to open WebSockets and PUT uploads (comma-separated). */
  ATELIER_ALLOWED_ORIGINS: z.string().default(""),
  /** Embedded data folder: PGlite database, local storage, generated secret. */
  ATELIER_DATA_DIR: z.string().default("./.atelier"),
  /** HMAC key for signed local storage URLs; generated into the data folder when unset. */
  ATELIER_SECRET: z.string().min(32, "ATELIER_SECRET must be at least 32 characters.").optional(),
  /** Postgres connection string; unset means embedded PGlite in the data folder. */
  DATABASE_URL: z.url().optional(),
  /**
   * What a server on Postgres does about an older schema: `check` (default) refuses to start and says to
   * run `atelier-server migrate`; `auto` migrates at start under an advisory lock. PGlite always migrates.
   */
  ATELIER_MIGRATE: z.enum(["auto", "check"]).default("check"),
  /** Postgres connections each server process keeps (see DEFAULT_POOL_SIZE in @atelier/db). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).optional(),
  /** Redis connection string; unset means the in-process bus. */
  REDIS_URL: z.url().optional(),
  REDIS_PREFIX: z.string().default("atelier"),
  /**
   * Idle time after which a node's job is taken over; every lease, sweep and interval of the job
   * engine derives from it. Set the same value on the server and every GPU node.
   */
  BUS_LEASE_MS: leaseMsSetting,
  /** S3 bucket; unset means local disk storage in the data folder. */
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_ENDPOINT: z.url().optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Endpoint browsers reach S3 at, when it differs from S3_ENDPOINT (e.g. inside a container network). */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  /** Largest upload accepted, in bytes (default 50 MiB). */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  /**
   * Most jobs one organization may have queued or running at once (default 100): a tenant's
   * backlog stays bounded, and claims take turns between organizations besides.
   */
  ATELIER_ORG_MAX_LIVE_JOBS: z.coerce.number().int().positive().default(100),
  /**
   * Most megapixels one job may produce over all its steps (assets × formats × sizes), checked before
   * it is queued; default 2000. Also no single image over MAX_INPUT_PIXELS.
   */
  MAX_JOB_OUTPUT_MEGAPIXELS: z.coerce.number().int().positive().default(2000),
  /**
   * `credits`: jobs are refused (INSUFFICIENT_CREDITS) when the organization cannot pay for them.
   * `off` (default): credits are unlimited, and every job is still metered in the ledger.
   */
  ATELIER_BILLING: z.enum(["off", "credits"]).default("off"),
  /** Stripe's secret key (`sk_...`): Checkout and the customer portal. Without it nothing is sold. */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** The webhook endpoint's signing secret (`whsec_...`): POST /webhooks/stripe refuses everything without it. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Where the Stripe SDK sends API calls, for a local stand-in (tests): `http://127.0.0.1:12111`. */
  STRIPE_API_BASE: z.url().optional(),
  /** Calls a minute per API key, and per signed-in person's sessions (RATE_LIMITED with Retry-After past it). */
  ATELIER_API_CALLS_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  /** Job submissions (create, retry) a minute per organization. */
  ATELIER_ORG_SUBMITS_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** Uploads a minute per organization. */
  ATELIER_ORG_UPLOADS_PER_MINUTE: z.coerce.number().int().positive().default(300),
  /** Folder of the built web app; unset means apps/web/dist of this checkout. */
  ATELIER_WEB_DIST: z.string().optional(),
  /** MAX_INPUT_PIXELS, EXECUTION_PROVIDERS, ATELIER_MODELS_DIR, REPLICATE_*: read alike by nodes and the CLI. */
  ...pipelineSettingsShape,
  /** Run one worker inside the server. Default: on without REDIS_URL (embedded mode), off with it. */
  ATELIER_EMBEDDED_WORKER: bool.optional(),
  /** RAM the embedded worker may give to jobs, in MiB; default half the machine's memory. */
  ATELIER_WORKER_MEMORY_MB: z.coerce.number().int().positive().optional(),
  /**
   * GPU memory the embedded worker may give to jobs, in MiB. Default 0: a CPU-only worker, which loads
   * models into RAM and so takes what steps declare out of ATELIER_WORKER_MEMORY_MB.
   */
  ATELIER_WORKER_VRAM_MB: z.coerce.number().int().min(0).default(0),
  /**
   * Send webhooks to loopback, link-local and private addresses too (default off: a webhook URL could
   * otherwise reach the installation's own network). For installations whose receivers are internal.
   */
  ATELIER_WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  /** First webhook retry's delay in ms (default 5000), doubling per attempt up to 4 hours, for a day. */
  ATELIER_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(5_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  allowedOrigins: string[];
  trustProxy: TrustProxy;
  dataDir: string;
  secret: string;
  databaseUrl: string | undefined;
  /** Postgres only: connections this process keeps (the database package's default when unset). */
  databasePoolSize: number | undefined;
  /** Postgres only: migrate at start (`auto`) or refuse an older schema (`check`). */
  migrate: MigrationPolicy;
  redisUrl: string | undefined;
  redisPrefix: string;
  leaseMs: number;
  s3:
    | {
        bucket: string;
        region: string;
        endpoint?: string;
        forcePathStyle: boolean;
        accessKeyId?: string;
        secretAccessKey?: string;
        publicEndpoint?: string;
      }
    | undefined;
  maxUploadBytes: number;
  maxInputPixels: number;
  maxJobOutputMegapixels: number;
  orgMaxLiveJobs: number;
  billing: "off" | "credits";
  rates: { apiCallsPerMinute: number; orgSubmitsPerMinute: number; orgUploadsPerMinute: number };
  stripe: { secretKey?: string; webhookSecret?: string; apiBase?: string };
  serverProcesses: number;
  groupCommit: boolean;
  webDist: string;
  logLevel: string;
  embeddedWorker: { enabled: boolean; memoryBudgetMb?: number; vramBudgetMb: number };
  pipeline: PipelineSettings;
  webhooks: { allowPrivate: boolean; retryBaseMs: number };
}

/** The data folder keeps a generated secret so signed URLs survive restarts. */
function secretFrom(dataDir: string): string {
  const path = join(dataDir, "secret");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new AppError(
      "CONFIG_ERROR",
      `Atelier cannot start; fix these settings:\n  ${problems.join("\n  ")}`,
      {
        problems,
      },
    );
  }
  const e = parsed.data;
  if (e.REDIS_URL && !e.S3_BUCKET && !e.ATELIER_SECRET) {
    const problem =
      "ATELIER_SECRET: required with REDIS_URL and local-disk storage. GPU nodes (and any other server) must sign and check storage URLs with the same secret; a generated one stays in this server's data folder. Set the same value (32+ characters) on every server and node, or use S3.";
    throw new AppError("CONFIG_ERROR", `Atelier cannot start; fix these settings:\n  ${problem}`, {
      problems: [problem],
    });
  }
  const dataDir = resolve(e.ATELIER_DATA_DIR);
  const origins = e.ATELIER_ALLOWED_ORIGINS.split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.ATELIER_PUBLIC_URL?.replace(/\/$/, ""),
    allowedOrigins: origins,
    trustProxy: parseTrustProxy(e.ATELIER_TRUST_PROXY)!,
    dataDir,
    // Only local storage signs URLs; with S3 nothing is written to the data folder.
    secret: e.ATELIER_SECRET ?? (e.S3_BUCKET ? randomBytes(32).toString("base64url") : secretFrom(dataDir)),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    migrate: e.ATELIER_MIGRATE,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    leaseMs: e.BUS_LEASE_MS,
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          endpoint: e.S3_ENDPOINT,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          publicEndpoint: e.S3_PUBLIC_ENDPOINT,
        }
      : undefined,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    maxInputPixels: e.MAX_INPUT_PIXELS,
    maxJobOutputMegapixels: e.MAX_JOB_OUTPUT_MEGAPIXELS,
    orgMaxLiveJobs: e.ATELIER_ORG_MAX_LIVE_JOBS,
    billing: e.ATELIER_BILLING,
    rates: {
      apiCallsPerMinute: e.ATELIER_API_CALLS_PER_MINUTE,
      orgSubmitsPerMinute: e.ATELIER_ORG_SUBMITS_PER_MINUTE,
      orgUploadsPerMinute: e.ATELIER_ORG_UPLOADS_PER_MINUTE,
    },
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      apiBase: e.STRIPE_API_BASE,
    },
    serverProcesses: e.ATELIER_SERVER_PROCESSES,
    groupCommit: e.ATELIER_GROUP_COMMIT,
    webDist: resolve(e.ATELIER_WEB_DIST ?? new URL("../../web/dist", import.meta.url).pathname),
    logLevel: e.LOG_LEVEL,
    embeddedWorker: {
      enabled: e.ATELIER_EMBEDDED_WORKER ?? !e.REDIS_URL,
      memoryBudgetMb: e.ATELIER_WORKER_MEMORY_MB,
      vramBudgetMb: e.ATELIER_WORKER_VRAM_MB,
    },
    pipeline: pipelineSettingsOf(e),
    webhooks: {
      allowPrivate: e.ATELIER_WEBHOOK_ALLOW_PRIVATE,
      retryBaseMs: e.ATELIER_WEBHOOK_RETRY_BASE_MS,
    },
  };
}

const migrateEnvSchema = envSchema.pick({ DATABASE_URL: true, ATELIER_DATA_DIR: true, LOG_LEVEL: true });

/** The few settings `atelier-server migrate` reads: it touches nothing but the database. */
export function loadMigrateConfig(env: NodeJS.ProcessEnv = process.env): {
  databaseUrl: string | undefined;
  dataDir: string;
} {
  const parsed = migrateEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new AppError("CONFIG_ERROR", `Cannot migrate; fix these settings:\n  ${problems.join("\n  ")}`, {
      problems,
    });
  }
  return { databaseUrl: parsed.data.DATABASE_URL, dataDir: resolve(parsed.data.ATELIER_DATA_DIR) };
}

import { createHash, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { AppError, type Logger } from "@atelier/shared";
import { Redis } from "ioredis";

/**
 * The settings every process of one installation (same Redis and REDIS_PREFIX) must share, as one
 * process states them. Secrets are compared by fingerprint only.
 */
export interface FleetSettings {
  role: "server" | "node";
  leaseMs: number;
  /** `s3:<endpoint>/<bucket>` or `local`. */
  storage: string;
  /** Local storage: the folder this process keeps objects in (servers must all use the same one). */
  dataDir?: string;
  /** Local storage: the signing secret (fingerprinted here, never stored). */
  secret?: string;
  /** The URL people open; signed local URLs and the WebSocket origin check use it. */
  publicUrl?: string;
}

interface Registration extends Omit<FleetSettings, "secret"> {
  host: string;
  pid: number;
  secretFingerprint?: string;
}

const REFRESH_MS = 5_000;
const TTL_MS = 3 * REFRESH_MS;

/**
 * Registers this process in Redis for as long as it runs, after checking its settings against every
 * live process of the installation: a disagreement that would lose files, links or jobs stops the
 * start with a CONFIG_ERROR naming each setting and the process it disagrees with.
 */
export async function joinFleet(options: {
  redisUrl: string;
  prefix: string;
  settings: FleetSettings;
  log: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { settings } = options;
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  const me: Registration = {
    role: settings.role,
    leaseMs: settings.leaseMs,
    storage: settings.storage,
    dataDir: settings.dataDir,
    publicUrl: settings.publicUrl,
    host: hostname(),
    pid: process.pid,
    secretFingerprint: settings.secret
      ? createHash("sha256").update(settings.secret).digest("hex").slice(0, 16)
      : undefined,
  };
  const key = `${options.prefix}:fleet:${settings.role}:${me.host}:${me.pid}:${randomBytes(3).toString("hex")}`;
  try {
    const problems = disagreements(me, await liveRegistrations(redis, options.prefix));
    if (problems.length > 0) {
      throw new AppError(
        "CONFIG_ERROR",
        `This ${settings.role} cannot join the installation on REDIS_PREFIX "${options.prefix}"; its settings disagree with running processes:\n  ${problems.join("\n  ")}`,
        { problems },
      );
    }
    await redis.set(key, JSON.stringify(me), "PX", TTL_MS);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const timer = setInterval(() => {
    redis
      .set(key, JSON.stringify(me), "PX", TTL_MS)
      .catch((err: unknown) => options.log.warn({ err }, "fleet registration not refreshed"));
  }, REFRESH_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await redis.del(key).catch(() => {});
      redis.disconnect();
    },
  };
}

async function liveRegistrations(redis: Redis, prefix: string): Promise<Registration[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:fleet:*`, "COUNT", 200);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values.flatMap((v) => {
    try {
      return v ? [JSON.parse(v) as Registration] : [];
    } catch {
      return [];
    }
  });
}

const who = (r: Registration) => `the ${r.role} on ${r.host} (pid ${r.pid})`;

/** What `me` disagrees on with each live process, as sentences that say what to set. */
export function disagreements(me: Registration, others: Registration[]): string[] {
  const problems: string[] = [];
  for (const other of others) {
    if (other.leaseMs !== me.leaseMs) {
      problems.push(
        `BUS_LEASE_MS is ${me.leaseMs} here but ${other.leaseMs} on ${who(other)}: set the same value on every server and node.`,
      );
    }
    if (other.storage !== me.storage) {
      problems.push(
        `Storage is ${me.storage} here but ${other.storage} on ${who(other)}: every server and node must use the same S3 bucket (S3_BUCKET, S3_ENDPOINT) or the same shared folder.`,
      );
      continue;
    }
    // Servers always; a node only signs links with local storage.
    const linksCompared = (me.role === "server" && other.role === "server") || me.storage === "local";
    if (linksCompared && other.publicUrl && me.publicUrl && other.publicUrl !== me.publicUrl) {
      problems.push(
        `ATELIER_PUBLIC_URL is ${me.publicUrl} here but ${other.publicUrl} on ${who(other)}: signed links and the WebSocket origin check would point at one backend. Set the URL people open (the proxy's) everywhere.`,
      );
    }
    if (me.storage !== "local") continue;
    if (
      me.role === "server" &&
      other.role === "server" &&
      (other.host !== me.host || other.dataDir !== me.dataDir)
    ) {
      problems.push(
        `Local-disk storage with more than one server (${who(other)} keeps files in ${other.dataDir}): one server cannot serve files another wrote. Use S3 (S3_BUCKET and the other S3_* settings) for a fleet.`,
      );
    }
    if (other.secretFingerprint !== me.secretFingerprint) {
      problems.push(
        `ATELIER_SECRET differs from ${who(other)}'s: signed storage URLs made by one would be refused by the other. Set the same ATELIER_SECRET everywhere.`,
      );
    }
  }
  return [...new Set(problems)];
}

/** The storage identity `FleetSettings.storage` expects, from S3 settings or none (local disk). */
export function storageIdentity(s3: { bucket: string; endpoint?: string } | undefined): string {
  return s3 ? `s3:${s3.endpoint ?? "aws"}/${s3.bucket}` : "local";
}

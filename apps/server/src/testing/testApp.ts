import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteKeys, TEST_REDIS_URL } from "@atelier/bus/testing";
import { createTestDatabase } from "@atelier/db/testing";
import { testCatalogue } from "@atelier/pipeline/testing";
import { createLogger, type Logger } from "@atelier/shared";
import { createTRPCClient, createWSClient, httpLink, splitLink, wsLink } from "@trpc/client";
import { startS3rver } from "@atelier/storage/testing";
import { WebSocket } from "ws";
import { type App, createApp } from "../app.ts";
import { loadConfig } from "../env.ts";
import type { AppRouter } from "../router.ts";

export interface TestAppOptions {
  database?: "pglite" | "postgres";
  storage?: "local" | "s3";
  /** Redis Streams with a prefix of its own, or the in-process bus. */
  bus?: "in-process" | "redis";
  env?: Record<string, string>;
  /** Where the server logs; silent by default. */
  log?: Logger;
}

export interface TestApp extends App {
  /** A client with its own cookie jar, like one browser. */
  client(): TestClient;
  close(): Promise<void>;
}

export type TestClient = ReturnType<typeof createClient>;

const TEST_SERVER_SECRET = "atelier-test-secret-shared-by-every-instance";

/** A real server on a free port with a fresh database and storage of the kind asked for. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "atelier-test-"));
  const cleanups: Array<() => Promise<void>> = [];
  const env: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    ATELIER_DATA_DIR: dataDir,
    ...options.env,
  };
  if (options.database === "postgres") {
    // createTestDatabase makes and later drops a database of its own; the app connects to it by URL.
    const db = await createTestDatabase("postgres");
    env.DATABASE_URL = db.url;
    cleanups.push(() => db.close());
  }
  if (options.bus === "redis") {
    env.REDIS_URL = TEST_REDIS_URL;
    env.REDIS_PREFIX ??= `atelier-test-${randomBytes(6).toString("hex")}`;
    cleanups.push(async () => {
      await deleteKeys(env.REDIS_PREFIX!, env.REDIS_URL!);
    });
  }
  if (options.storage === "s3") {
    const s3 = await startS3rver();
    Object.assign(env, {
      S3_BUCKET: s3.config.bucket,
      S3_ENDPOINT: s3.config.endpoint,
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
    });
    cleanups.push(() => s3.close());
  }
  // Redis with local storage needs a secret every process shares (loadConfig refuses a generated one).
  if (env.REDIS_URL && !env.S3_BUCKET) env.ATELIER_SECRET ??= TEST_SERVER_SECRET;
  const app = await createApp(loadConfig(env), options.log ?? createLogger("test", "silent"), {
    catalogue: testCatalogue,
  });
  return {
    ...app,
    client: () => createClient(app.url),
    close: async () => {
      await app.close();
      for (const cleanup of cleanups.reverse()) await cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** tRPC over HTTP (and WebSocket for subscriptions), keeping cookies like a browser does. */
export function createClient(
  baseUrl: string,
  opts: {
    apiKey?: string;
    origin?: string;
    jar?: Map<string, string>;
    /** Every call over one WebSocket opened at once and kept open, instead of HTTP (sign in elsewhere). */
    overWebSocket?: boolean;
  } = {},
) {
  const jar = opts.jar ?? new Map<string, string>();
  const headers = (): Record<string, string> => ({
    ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
    ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
    ...(opts.origin ? { origin: opts.origin } : {}),
  });
  const fetchWithCookies: typeof fetch = async (input, init) => {
    const res = await fetch(input, { ...init, headers: { ...(init?.headers as object), ...headers() } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    return res;
  };
  let socketsOpened = 0;
  const CookieWebSocket = class extends WebSocket {
    constructor(url: string | URL) {
      super(url, { headers: headers() });
      socketsOpened += 1;
    }
  };
  // Lazy: the socket opens on the first subscription, after sign-in has filled the cookie jar.
  const ws = createWSClient({
    url: `${baseUrl.replace(/^http/, "ws")}/trpc`,
    WebSocket: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    lazy: opts.overWebSocket ? { enabled: false, closeMs: 0 } : { enabled: true, closeMs: 0 },
  });
  const trpc = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => opts.overWebSocket === true || op.type === "subscription",
        true: wsLink({ client: ws }),
        false: httpLink({ url: `${baseUrl}/trpc`, fetch: fetchWithCookies }),
      }),
    ],
  });
  return {
    trpc,
    fetch: fetchWithCookies,
    headers,
    jar,
    closeWs: () => ws.close(),
    /** How many WebSockets this client opened: 1 means every call went over the same open socket. */
    socketsOpened: () => socketsOpened,
  };
}

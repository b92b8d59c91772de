import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createBus } from "@atelier/bus";
import { createDatabase, rowsOf, sql } from "@atelier/db";
import {
  joinFleet,
  jobTiming,
  startJobEngine,
  startWorker,
  storageIdentity,
  type WorkerStatus,
} from "@atelier/jobs";
import { catalogue as productionCatalogue, type StepCatalogue } from "@atelier/pipeline";
import { AppError, createLogger, type Logger } from "@atelier/shared";
import { creditsHeld, queueDepth, sampleOnScrape, wsConnections } from "@atelier/telemetry";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";
import { startAccessControl } from "./auth/accessControl.ts";
import { credentialOf, WS_PROTOCOL } from "./auth/authenticate.ts";
import type { Config } from "./env.ts";
import { isOriginAllowed } from "./http/origin.ts";
import { clientAddressResolver } from "./http/clientAddress.ts";
import { createRequestHandler } from "./http/handleRequest.ts";
import { stripeWebhookHandler } from "./http/stripeWebhook.ts";
import { createStripe } from "./billing/stripeClient.ts";
import { applyDueDowngrades } from "./billing/applyStripeEvent.ts";
import { cachedHealth } from "./http/healthCheck.ts";
import { MAX_BATCH_SIZE, MAX_RPC_BODY_BYTES } from "./http/requestLimits.ts";
import { rpcResponseMeta } from "./http/rpcResponseMeta.ts";
import { s3Origins, securityHeaders } from "./http/securityHeaders.ts";
import { refuseUpgrade } from "./http/sendError.ts";
import { answerWhileStarting } from "./http/startingGate.ts";
import { createStaticHandler } from "./http/staticFiles.ts";
import { createSingleCallHandler } from "./http/trpcSingleCall.ts";
import { startPurgeSweeper } from "./housekeeping/purgeDeleted.ts";
import { guardFrames } from "./http/wsFrameGuard.ts";
import { createLimits, createSignInThrottle, type LimitRule, SIGN_UP_RULE } from "./limits/index.ts";
import { RenditionCache } from "./render/RenditionCache.ts";
import { LiveFanout } from "./live/LiveFanout.ts";
import { wireCallEncoder } from "./live/wireCall.ts";
import { serveApiDocs } from "./rest/apiDocs.ts";
import { openApiDocument } from "./rest/openApiDocument.ts";
import { createRestHandler } from "./rest/restHandler.ts";
import { appRouter } from "./router.ts";
import { PresenceThrottle } from "./routers/presenceThrottle.ts";
import type { Services } from "./services.ts";
import { createLocalStorageHandler, createStorage } from "@atelier/storage";
import type { Context } from "./trpc.ts";

export interface AppOptions {
  /** Steps jobs may name; the production catalogue unless a test passes its own (see testing/). */
  catalogue?: StepCatalogue;
}

export interface App {
  url: string;
  services: Services;
  server: Server;
  /** The embedded worker's state (null without one): for tests and the operator, never for /healthz. */
  workerStatus(): WorkerStatus | null;
  close(): Promise<void>;
}

const KEEPALIVE_PING_MS = 30_000;
const KEEPALIVE_IDLE_MS = 65_000;

/** A limit every call of its kind counts against, per minute, counted in blocks (see reservedPoints.ts). */
function perMinute(points: number): LimitRule {
  return { points, durationSec: 60, reserveBlocks: true };
}

/** Starts Atelier's server: tRPC over HTTP and WebSocket, storage URLs, health, and the web app, on one port. */
export async function createApp(
  config: Config,
  log: Logger = createLogger("server", config.logLevel),
  options: AppOptions = {},
): Promise<App> {
  const catalogue = options.catalogue ?? productionCatalogue;
  const server = createServer();
  // Longer than any client's or proxy's idle timeout, so a client never reuses a socket the server
  // is closing at that moment (ECONNRESET on the next request).
  server.keepAliveTimeout = KEEPALIVE_IDLE_MS;
  server.headersTimeout = KEEPALIVE_IDLE_MS + 1000;
  // Listening from here (the URL needs the port), answering "starting" until the handlers are in place.
  const gate = answerWhileStarting(server);
  server.listen(config.port, config.host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl ?? `http://localhost:${port}`;

  // Settings every process on this Redis must share are checked against the live ones first.
  const fleet = config.redisUrl
    ? await joinFleet({
        redisUrl: config.redisUrl,
        prefix: config.redisPrefix,
        settings: {
          role: "server",
          leaseMs: config.leaseMs,
          storage: storageIdentity(config.s3),
          dataDir: config.s3 ? undefined : config.dataDir,
          secret: config.s3 ? undefined : config.secret,
          publicUrl: config.publicUrl,
        },
        log,
      }).catch((err: unknown) => {
        server.close();
        throw err;
      })
    : null;
  const database = await createDatabase(
    config.databaseUrl
      ? { url: config.databaseUrl, migrate: config.migrate, maxConnections: config.databasePoolSize }
      : { dataDir: config.dataDir },
  );
  const storage = createStorage(
    config.s3
      ? { kind: "s3", ...config.s3 }
      : { kind: "local", dir: join(config.dataDir, "storage"), publicBaseUrl: url, secret: config.secret },
  );
  if (storage.kind === "local") await storage.removeStaleTempFiles();
  const timing = jobTiming({ leaseMs: config.leaseMs });
  const bus = createBus({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    tuning: { leaseMs: timing.leaseMs },
    logger: log,
  });
  const pipelineEnv = { ...config.pipeline, log };
  const jobEngine = startJobEngine({
    db: database.db,
    bus,
    storage,
    log: log.child({ part: "jobs" }),
    timing,
    pipelineEnv,
    catalogue,
    republishAllOnStart: !config.redisUrl,
    billing: config.billing,
    webhooks: {
      allowPrivate: config.webhooks.allowPrivate,
      retryBaseMs: config.webhooks.retryBaseMs,
      // Short retries (tests, trials) are looked for as often as they fall due.
      pollMs: Math.min(1_000, Math.max(20, Math.round(config.webhooks.retryBaseMs / 2))),
    },
    groupCommit: config.groupCommit ? undefined : false,
  });
  const purge = startPurgeSweeper({
    db: database.db,
    storage,
    lifecycle: jobEngine.lifecycle,
    log: log.child({ part: "purge" }),
  });
  const access = await startAccessControl({ db: database.db, bus, log: log.child({ part: "access" }) });
  const limits = createLimits({ redisUrl: config.redisUrl, prefix: config.redisPrefix, log });
  const services: Services = {
    config,
    access,
    limits,
    signInThrottle: createSignInThrottle(limits),
    signUpLimit: limits.limit("signup-address", SIGN_UP_RULE, "Too many sign-ups from your address."),
    rates: {
      apiKeyCalls: limits.limit(
        "calls-key",
        perMinute(config.rates.apiCallsPerMinute),
        "This API key made too many calls this minute.",
      ),
      userCalls: limits.limit(
        "calls-user",
        perMinute(config.rates.apiCallsPerMinute),
        "You made too many calls this minute.",
      ),
      orgSubmits: limits.limit(
        "submits-org",
        perMinute(config.rates.orgSubmitsPerMinute),
        "Your organization submitted too many jobs this minute.",
      ),
      orgUploads: limits.limit(
        "uploads-org",
        perMinute(config.rates.orgUploadsPerMinute),
        "Your organization started too many uploads this minute.",
      ),
    },
    clientAddress: clientAddressResolver(config.trustProxy),
    db: database.db,
    storage,
    bus,
    log,
    pipelineEnv,
    catalogue,
    renditions: new RenditionCache(),
    presence: new PresenceThrottle((err) => log.warn({ err }, "presence not published")),
    live: new LiveFanout(bus, log.child({ part: "live" })),
    lifecycle: jobEngine.lifecycle,
    stripe: createStripe(config.stripe),
    webhooks: jobEngine.webhooks,
  };
  // A failed payment moves an organization to Free at the end of its period.
  const downgrades = setInterval(() => {
    applyDueDowngrades(database.db).catch((err: unknown) => log.warn({ err }, "plan downgrades not applied"));
  }, 60_000);
  downgrades.unref();
  const worker = config.embeddedWorker.enabled
    ? await startWorker({
        nodeId: `embedded-${process.pid}`,
        db: database.db,
        bus,
        storage,
        pipelineEnv,
        vramBudgetMb: config.embeddedWorker.vramBudgetMb,
        memoryBudgetMb: config.embeddedWorker.memoryBudgetMb,
        timing,
        catalogue,
        log: log.child({ part: "worker" }),
      })
    : null;
  const allowedOrigins = new Set([new URL(url).origin, ...config.allowedOrigins]);

  // Only the credential is kept: every call resolves it again (see trpc.ts), over HTTP and on an open socket.
  const createContext = (opts: { req: IncomingMessage; res?: Context["res"] }): Context => ({
    services,
    credential: credentialOf(opts.req),
    req: opts.req,
    res: opts.res,
  });

  const trpcBatches = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: ({ req, res }) => createContext({ req, res }),
    maxBatchSize: MAX_BATCH_SIZE,
    // Bodies without a Content-Length (chunked) are cut off here; declared ones before a byte is read.
    maxBodySize: MAX_RPC_BODY_BYTES,
    responseMeta: rpcResponseMeta,
  });
  const trpcHttp = createSingleCallHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: (req, res) => createContext({ req, res }),
    fallback: trpcBatches,
  });
  const headers = securityHeaders({ storageOrigins: config.s3 ? s3Origins(config.s3) : [] });
  let document: unknown = null;
  const rest = {
    api: createRestHandler({ publicUrl: url, createContext }),
    // Generated on first request: most servers are never asked for it.
    document: () => (document ??= openApiDocument(url)),
    docs: (path: string, res: import("node:http").ServerResponse) =>
      serveApiDocs(path, res, headers["content-security-policy"]!),
  };
  server.on(
    "request",
    createRequestHandler({
      rest,
      trpc: trpcHttp,
      stripeWebhook: stripeWebhookHandler({
        db: database.db,
        secret: config.stripe.webhookSecret,
        log: log.child({ part: "stripe" }),
        onBalanceChanged: (orgIds) => jobEngine.lifecycle.balances.changed(orgIds),
      }),
      storage:
        storage.kind === "local"
          ? createLocalStorageHandler(storage, { allowedOrigins: [...allowedOrigins], logger: log })
          : null,
      staticFiles: createStaticHandler(config.webDist),
      healthy: cachedHealth(() => services.db.execute("select 1")),
      readiness: {
        database: () => services.db.execute("select 1"),
        bus: () => bus.stats(),
        storage: () => storage.head("readyz/probe"),
      },
      headers,
      log,
    }),
  );

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // ws would accept 100 MiB frames; a bigger frame closes the socket with 1009 before it is buffered.
    maxPayload: MAX_RPC_BODY_BYTES,
    // A browser SDK offers its key as a second subprotocol: answer with the plain one, never echo the key.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  guardFrames(wss, MAX_BATCH_SIZE);
  wss.on("connection", (ws) => {
    wsConnections.inc();
    ws.once("close", () => wsConnections.dec());
  });
  // Queue depths per class and tier, read from the bus when Prometheus scrapes.
  const stopSampling = sampleOnScrape(async () => {
    const { streams } = await bus.stats();
    for (const s of streams) queueDepth.set({ class: s.priority, tier: String(s.tier) }, s.depth - s.pending);
  });
  // Credits across the installation, from the balances the ledger's trigger keeps.
  const stopCreditSampling = sampleOnScrape(async () => {
    const [row] = rowsOf<{ available: string | null; reserved: string | null }>(
      await services.db.execute(
        sql`select sum(credits) as available, sum(credits_reserved) as reserved from organizations`,
      ),
    );
    creditsHeld.set({ state: "available" }, Number(row?.available ?? 0));
    creditsHeld.set({ state: "reserved" }, Number(row?.reserved ?? 0));
  });
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    // Reads each subscription call's wire id, so live events can be written without tRPC's loop.
    experimental_encoder: wireCallEncoder,
    createContext: ({ req, res }) => ({ ...createContext({ req }), socket: res }),
    keepAlive: { enabled: true, pingMs: KEEPALIVE_PING_MS, pongWaitMs: 5_000 },
  });
  server.on("upgrade", async (req, socket, head) => {
    const refuse = (status: number, reason: string) => refuseUpgrade(socket, status, reason);
    try {
      if ((req.url ?? "").split("?")[0] !== "/trpc") return refuse(404, "Not Found");
      if (!isOriginAllowed(req, allowedOrigins)) return refuse(403, "Forbidden");
      const principal = await access.principals.resolve(credentialOf(req)).catch((err: unknown) => {
        if (err instanceof AppError && err.code === "API_KEY_EXPIRED") return null;
        throw err;
      });
      if (!principal) return refuse(401, "Unauthorized");
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    } catch (err) {
      log.error({ err }, "upgrade failed");
      refuse(500, "Internal Server Error");
    }
  });

  gate.open();

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      wsHandler.broadcastReconnectNotification();
      server.close();
      for (const client of wss.clients) client.close(1001, "server shutting down");
      server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 100));
      server.closeAllConnections();
      stopSampling();
      stopCreditSampling();
      await worker?.stop({ drainTimeoutMs: 5_000 });
      await purge.stop();
      clearInterval(downgrades);
      await access.stop();
      await limits.close();
      await jobEngine.stop();
      await bus.close();
      await database.close();
      await fleet?.stop();
    })();
    return closing;
  };

  log.info({ url, database: database.kind, storage: storage.kind }, "Atelier is ready");
  return { url, services, server, workerStatus: () => worker?.status() ?? null, close };
}

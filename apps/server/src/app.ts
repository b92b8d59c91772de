import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createBus } from "@atelier/bus";
import { createDatabase } from "@atelier/db";
import { jobTiming, startJobEngine, startWorker } from "@atelier/jobs";
import { catalogue as productionCatalogue, type StepCatalogue } from "@atelier/pipeline";
import { AppError, createLogger, type Logger, toAppError } from "@atelier/shared";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";
import { authenticate, type Principal } from "./auth/authenticate.ts";
import type { Config } from "./env.ts";
import { isOriginAllowed } from "./http/origin.ts";
import { sendError } from "./http/sendError.ts";
import { createStaticHandler } from "./http/staticFiles.ts";
import { startPurgeSweeper } from "./housekeeping/purgeDeleted.ts";
import { appRouter } from "./router.ts";
import type { Services } from "./services.ts";
import { createLocalStorageHandler, createStorage, type StorageRequestHandler } from "@atelier/storage";
import type { Context } from "./trpc.ts";

export interface AppOptions {
  /** Steps jobs may name; the production catalogue unless a test passes its own (see testing/). */
  catalogue?: StepCatalogue;
}

export interface App {
  url: string;
  services: Services;
  server: Server;
  close(): Promise<void>;
}

const KEEPALIVE_PING_MS = 30_000;
const KEEPALIVE_IDLE_MS = 65_000;

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
  server.listen(config.port, config.host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl ?? `http://localhost:${port}`;

  const database = await createDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir },
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
  });
  const purge = startPurgeSweeper({
    db: database.db,
    storage,
    lifecycle: jobEngine.lifecycle,
    log: log.child({ part: "purge" }),
  });
  const services: Services = {
    config,
    db: database.db,
    storage,
    bus,
    log,
    pipelineEnv,
    catalogue,
    lifecycle: jobEngine.lifecycle,
  };
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

  // The upgrade authenticates once; the WebSocket context reuses that principal.
  const upgradePrincipals = new WeakMap<IncomingMessage, Principal | null>();
  const createContext = async (opts: { req: IncomingMessage; res?: Context["res"] }): Promise<Context> => {
    const principal = upgradePrincipals.has(opts.req)
      ? (upgradePrincipals.get(opts.req) ?? null)
      : await authenticate(services.db, opts.req);
    return { services, principal, req: opts.req, res: opts.res };
  };

  const trpcHttp = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: ({ req, res }) => createContext({ req, res }),
  });
  const storageHandler: StorageRequestHandler | null =
    storage.kind === "local"
      ? createLocalStorageHandler(storage, { allowedOrigins: [...allowedOrigins], logger: log })
      : null;
  const staticFiles = createStaticHandler(config.webDist);

  server.on("request", async (req, res) => {
    try {
      const path = (req.url ?? "/").split("?")[0]!;
      if (path === "/healthz") {
        await services.db.execute("select 1");
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            status: "ok",
            database: database.kind,
            storage: storage.kind,
            bus: config.redisUrl ? "redis" : "in-process",
            worker: worker?.status() ?? null,
          }),
        );
        return;
      }
      if (path.startsWith("/trpc/")) return trpcHttp(req, res);
      if (storageHandler && (await storageHandler(req, res))) return;
      if (req.method === "GET" || req.method === "HEAD") return await staticFiles(req, res);
      sendError(res, new AppError("NOT_FOUND", `Nothing answers ${req.method} ${path}.`));
    } catch (err) {
      const error = toAppError(err);
      if (error.code === "INTERNAL") log.error({ err }, "request failed");
      sendError(res, error);
    }
  });

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ req }) => createContext({ req }),
    keepAlive: { enabled: true, pingMs: KEEPALIVE_PING_MS, pongWaitMs: 5_000 },
  });
  server.on("upgrade", async (req, socket, head) => {
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      if ((req.url ?? "").split("?")[0] !== "/trpc") return refuse(404, "Not Found");
      if (!isOriginAllowed(req, allowedOrigins)) return refuse(403, "Forbidden");
      const principal = await authenticate(services.db, req);
      if (!principal) return refuse(401, "Unauthorized");
      upgradePrincipals.set(req, principal);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    } catch (err) {
      log.error({ err }, "upgrade failed");
      refuse(500, "Internal Server Error");
    }
  });

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      wsHandler.broadcastReconnectNotification();
      server.close();
      for (const client of wss.clients) client.close(1001, "server shutting down");
      server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 100));
      server.closeAllConnections();
      await worker?.stop({ drainTimeoutMs: 5_000 });
      await purge.stop();
      await jobEngine.stop();
      await bus.close();
      await database.close();
    })();
    return closing;
  };

  log.info({ url, database: database.kind, storage: storage.kind }, "Atelier is ready");
  return { url, services, server, close };
}

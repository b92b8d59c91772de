import cluster from "node:cluster";
import { releaseSessions } from "@atelier/pipeline";
import { createLogger, isAppError } from "@atelier/shared";
import { startTracing } from "@atelier/telemetry";
import { type AppOptions, createApp } from "./app.ts";
import { loadConfig } from "./env.ts";
import { superviseServerProcesses } from "./serverProcesses.ts";

/** The server process: configuration from the environment, the app, and a clean exit on SIGTERM/SIGINT. */
export async function runServer(options: AppOptions = {}): Promise<void> {
  const log = createLogger("server");
  try {
    const config = loadConfig();
    log.level = config.logLevel;
    if (config.serverProcesses > 1 && cluster.isPrimary) {
      await superviseServerProcesses(config, log);
      return;
    }
    const tracing = await startTracing({ serviceName: "atelier-server" });
    const app = await createApp(config, log, options);
    process.stdout.write(`\n  Atelier is running: open ${app.url}\n\n`);
    const shutdown = async (signal: string) => {
      log.info({ signal }, "shutting down");
      await app.close();
      // The embedded worker has drained: the model sessions' worker threads end cleanly.
      await releaseSessions();
      await tracing?.shutdown();
      process.exit(0);
    };
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    process.once("SIGINT", () => void shutdown("SIGINT"));
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(1);
    }
    throw err;
  }
}

import { createLogger, isAppError } from "@atelier/shared";
import { createApp } from "./app.ts";
import { loadConfig } from "./env.ts";

const log = createLogger("server");

try {
  const config = loadConfig();
  log.level = config.logLevel;
  const app = await createApp(config, log);
  process.stdout.write(`\n  Atelier is running: open ${app.url}\n\n`);
  const shutdown = async (signal: string) => {
    log.info({ signal }, "shutting down");
    await app.close();
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

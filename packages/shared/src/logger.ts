import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs; `LOG_LEVEL` is read once by the caller's config, not here. `name` is the
 * process's; parts of it log through `log.child({ part })`, never a second `name` (pino would print
 * the key twice on every line).
 */
export function createLogger(name: string, level = "info", destination?: DestinationStream): Logger {
  return destination ? pino({ name, level }, destination) : pino({ name, level });
}

import pino, { type Logger } from "pino";

export type { Logger };

/** Structured JSON logs; `LOG_LEVEL` is read once by the caller's config, not here. */
export function createLogger(name: string, level = "info"): Logger {
  return pino({ name, level });
}

import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Fields that hold credentials, wherever a log line puts them in its first levels. */
const SECRET_FIELDS = [
  "password",
  "passwordHash",
  "password_hash",
  "token",
  "secret",
  "apiKey",
  "keyHash",
  "key_hash",
  "authorization",
  "cookie",
  "set-cookie",
];
const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((f) => [`["${f}"]`, `*["${f}"]`, `*.*["${f}"]`]),
  "req.headers.cookie",
  "req.headers.authorization",
  "res.headers['set-cookie']",
];

/**
 * Shapes of secrets that must never be written even when they sit in a free-form string (an
 * error message quoting a value): argon2 password hashes, API keys, session tokens.
 */
const SECRET_PATTERNS: RegExp[] = [
  /\$argon2(?:id|i|d)\$[^\s"'\\,]*/g,
  /\batl_[A-Za-z0-9_-]{20,}/g,
  /\batelier_session=[^;\s"'\\]*/g,
];

export function scrubSecrets(line: string): string {
  let out = line;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, "[redacted]");
  return out;
}

/** Query values of database errors (drizzle's `params`, postgres.js's `parameters`) can be any user's credentials. */
const QUERY_VALUE_FIELDS = new Set(["params", "parameters"]);

function withoutQueryValues(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => withoutQueryValues(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = QUERY_VALUE_FIELDS.has(k) ? "[redacted]" : withoutQueryValues(v, depth + 1);
  }
  return out;
}

function serializeError(err: unknown): unknown {
  return withoutQueryValues(err instanceof Error ? pino.stdSerializers.errWithCause(err) : err);
}

/**
 * Structured JSON logs; `LOG_LEVEL` is read once by the caller's config, not here. `name` is the
 * process's; parts of it log through `log.child({ part })`, never a second `name` (pino would print
 * the key twice on every line). Credentials never reach a line: known fields are redacted by path,
 * database errors lose their query values, and every line is scrubbed of hash, key and token shapes
 * before it is written.
 */
export function createLogger(name: string, level = "info", destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    serializers: { err: serializeError, error: serializeError },
    hooks: { streamWrite: scrubSecrets },
  };
  return destination ? pino(options, destination) : pino(options);
}

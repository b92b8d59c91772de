/**
 * The one error type of Atelier. Every failure a user can cause is an AppError with a
 * code from the closed set below, a message a person can act on, and details.
 */
export const ErrorCode = {
  VALIDATION_ERROR: "VALIDATION_ERROR",
  UNAUTHORIZED: "UNAUTHORIZED",
  /** An API key past its expiry: refused from that moment, on every call and every open socket. */
  API_KEY_EXPIRED: "API_KEY_EXPIRED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  RATE_LIMITED: "RATE_LIMITED",
  UNSUPPORTED_MEDIA: "UNSUPPORTED_MEDIA",
  FILE_TOO_LARGE: "FILE_TOO_LARGE",
  /** A request body, batch or WebSocket frame over the server's limits. */
  REQUEST_TOO_LARGE: "REQUEST_TOO_LARGE",
  IMAGE_TOO_LARGE: "IMAGE_TOO_LARGE",
  EMPTY_FILE: "EMPTY_FILE",
  CORRUPT_IMAGE: "CORRUPT_IMAGE",
  NO_SUBJECT: "NO_SUBJECT",
  HELD_FOR_REVIEW: "HELD_FOR_REVIEW",
  URL_EXPIRED: "URL_EXPIRED",
  BAD_SIGNATURE: "BAD_SIGNATURE",
  INSUFFICIENT_CREDITS: "INSUFFICIENT_CREDITS",
  /** The organization's plan allows no more jobs queued or running at once. */
  PLAN_CONCURRENCY_LIMIT: "PLAN_CONCURRENCY_LIMIT",
  /** An image larger than the organization's plan makes. */
  PLAN_RESOLUTION_LIMIT: "PLAN_RESOLUTION_LIMIT",
  /** The organization's plan has no seat left for another member. */
  PLAN_SEAT_LIMIT: "PLAN_SEAT_LIMIT",
  STEP_UNAVAILABLE: "STEP_UNAVAILABLE",
  /** The server is starting (or stopping) and cannot answer yet: try again in a moment. */
  UNAVAILABLE: "UNAVAILABLE",
  MODEL_INTEGRITY: "MODEL_INTEGRITY",
  CANCELLED: "CANCELLED",
  TIMEOUT: "TIMEOUT",
  UPSTREAM_ERROR: "UPSTREAM_ERROR",
  CONFIG_ERROR: "CONFIG_ERROR",
  INTERNAL: "INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status per code, for plain HTTP endpoints (uploads, webhooks, downloads). */
export const httpStatusOf: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  API_KEY_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNSUPPORTED_MEDIA: 415,
  FILE_TOO_LARGE: 413,
  REQUEST_TOO_LARGE: 413,
  IMAGE_TOO_LARGE: 422,
  EMPTY_FILE: 422,
  CORRUPT_IMAGE: 422,
  NO_SUBJECT: 422,
  HELD_FOR_REVIEW: 403,
  URL_EXPIRED: 403,
  BAD_SIGNATURE: 403,
  INSUFFICIENT_CREDITS: 402,
  PLAN_CONCURRENCY_LIMIT: 429,
  PLAN_RESOLUTION_LIMIT: 422,
  PLAN_SEAT_LIMIT: 403,
  STEP_UNAVAILABLE: 503,
  UNAVAILABLE: 503,
  MODEL_INTEGRITY: 500,
  CANCELLED: 409,
  TIMEOUT: 504,
  UPSTREAM_ERROR: 502,
  CONFIG_ERROR: 500,
  INTERNAL: 500,
};

export type ErrorDetails = Record<string, unknown>;

/**
 * Failures caused by what the caller sent (parameters, images): the same job fails the same way every
 * time, so it is never retried, by the engine or on a person's request.
 */
const inputErrorCodes: ReadonlySet<string> = new Set<ErrorCode>([
  "VALIDATION_ERROR",
  "UNSUPPORTED_MEDIA",
  "FILE_TOO_LARGE",
  "IMAGE_TOO_LARGE",
  "EMPTY_FILE",
  "CORRUPT_IMAGE",
]);

export function isInputErrorCode(code: string): boolean {
  return inputErrorCodes.has(code);
}

export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Failures worth retrying: the same input may succeed later. */
  get transient(): boolean {
    return this.code === "TIMEOUT" || this.code === "UPSTREAM_ERROR" || this.code === "INTERNAL";
  }

  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns any thrown value into an AppError, keeping the original as its cause. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof Error && err.name === "AbortError") {
    return new AppError("CANCELLED", "The work was cancelled.", {}, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AppError("INTERNAL", "Something went wrong on our side.", { reason: message }, { cause: err });
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

import type { ErrorCode } from "@atelier/shared";
import { TRPCClientError } from "@trpc/client";

export type { ErrorCode };

/**
 * Every failure the SDK reports: the server's AppError code (`NOT_FOUND`, `INSUFFICIENT_CREDITS`,
 * `CORRUPT_IMAGE`, ...), its sentence, and its details, the same in every client of Atelier.
 * `UNAVAILABLE` is the SDK's own: the server could not be reached.
 */
export class AtelierError extends Error {
  override readonly name = "AtelierError";
  constructor(
    readonly code: ErrorCode | "UNAVAILABLE",
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Any error of a router call, an upload or a download as an AtelierError with the server's code. */
export function toAtelierError(err: unknown): AtelierError {
  if (err instanceof AtelierError) return err;
  if (err instanceof TRPCClientError) {
    const data: unknown = err.data;
    const record = data && typeof data === "object" ? (data as Record<string, unknown>) : {};
    if (typeof record.appCode === "string") {
      const details = record.details && typeof record.details === "object" ? record.details : {};
      return new AtelierError(record.appCode as ErrorCode, err.message, details as Record<string, unknown>, {
        cause: err,
      });
    }
    if (isNetworkFailure(err.cause ?? err)) return unreachable(err);
    return new AtelierError("INTERNAL", err.message, {}, { cause: err });
  }
  if (isNetworkFailure(err)) return unreachable(err);
  if (err instanceof Error && err.name === "AbortError")
    return new AtelierError("CANCELLED", "The work was cancelled.", {}, { cause: err });
  return new AtelierError("INTERNAL", err instanceof Error ? err.message : String(err), {}, { cause: err });
}

/** True when the server was not reached at all (refused, reset, DNS): worth trying again shortly. */
export function isNetworkFailure(err: unknown): boolean {
  if (err instanceof AtelierError) return err.code === "UNAVAILABLE";
  if (err instanceof TRPCClientError) {
    if (err.data) return false;
    return (
      isNetworkFailure(err.cause) || /fetch failed|network|ECONNREFUSED|ECONNRESET|socket/i.test(err.message)
    );
  }
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === "string" &&
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|ENOTFOUND)$/.test(code)
  )
    return true;
  return (err instanceof TypeError && /fetch|network/i.test(err.message)) || isNetworkFailure(err.cause);
}

function unreachable(cause: unknown): AtelierError {
  return new AtelierError(
    "UNAVAILABLE",
    "Cannot reach the Atelier server. Check the URL and your connection, and try again.",
    {},
    { cause },
  );
}

/** The server's `{ "error": { code, message, details } }` answer of a plain HTTP endpoint, as an AtelierError. */
export async function httpError(res: Response, what: string): Promise<AtelierError> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (body.error && typeof body.error.code === "string" && typeof body.error.message === "string") {
      return new AtelierError(
        body.error.code as ErrorCode,
        body.error.message,
        (body.error.details as Record<string, unknown>) ?? {},
      );
    }
  } catch {
    // Not the server's JSON error shape: say what failed with its status.
  }
  return new AtelierError("INTERNAL", `${what} failed (HTTP ${res.status}).`, { status: res.status });
}

/** Retries `attempt` while the server cannot be reached (a restart, a deploy), for up to `forMs`. */
export async function whileUnreachable<T>(attempt: () => Promise<T>, forMs = 60_000): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isNetworkFailure(err) || Date.now() > deadline) throw toAtelierError(err);
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** tries, 2_000)));
    }
  }
}

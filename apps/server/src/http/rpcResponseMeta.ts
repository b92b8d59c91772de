import { httpStatusOf } from "@atelier/shared";
import type { TRPCError } from "@trpc/server";
import { appErrorOf } from "../trpc.ts";

/**
 * HTTP status and headers of a tRPC response from the API's own codes: `Retry-After` when a call
 * was rate limited, 413 for a batch over the limit (tRPC itself says 400).
 */
export function rpcResponseMeta({ errors }: { errors: TRPCError[] }): {
  status?: number;
  headers?: Record<string, string>;
} {
  const apps = errors.map(appErrorOf).filter((e) => e !== null);
  const retryAfter = Math.max(
    0,
    ...apps.map((e) =>
      e.code === "RATE_LIMITED" && typeof e.details.retryAfterSec === "number" ? e.details.retryAfterSec : 0,
    ),
  );
  const headers = retryAfter > 0 ? { "retry-after": String(Math.ceil(retryAfter)) } : undefined;
  const tooLarge = errors.length === 1 && apps[0]?.code === "REQUEST_TOO_LARGE";
  return { ...(tooLarge ? { status: httpStatusOf.REQUEST_TOO_LARGE } : {}), ...(headers ? { headers } : {}) };
}

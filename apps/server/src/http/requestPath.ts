import type { IncomingMessage } from "node:http";
import { AppError } from "@atelier/shared";

/** The request's path, percent-decoded; VALIDATION_ERROR (400) for encoding no URL may hold, like `/%ZZ`. */
export function decodedPath(req: IncomingMessage): string {
  const raw = rawPath(req);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError("VALIDATION_ERROR", "The request path is not valid URL encoding.", {});
  }
}

/** The request's path as sent, without the query. */
export function rawPath(req: IncomingMessage): string {
  return (req.url ?? "/").split("?")[0]!;
}

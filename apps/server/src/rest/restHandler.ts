import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, type ErrorCode } from "@atelier/shared";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import { MAX_RPC_BODY_BYTES } from "../http/requestLimits.ts";
import { appRouter } from "../router.ts";
import type { Context } from "../trpc.ts";
import { REST_BASE_PATH } from "./openApiDocument.ts";

type CreateContext = (opts: { req: IncomingMessage }) => Context;

/**
 * `/api/v1/...`: the procedures that declare an `openapi` route, called as plain HTTP with JSON. The
 * caller is the same `Authorization: Bearer` key (or session cookie) as over tRPC; every middleware
 * (scopes, roles, input shape) runs as for any other call.
 */
export function createRestHandler(options: { publicUrl: string; createContext: CreateContext }) {
  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    // No response in the context: REST callers carry a key, and nothing here sets cookies.
    createContext: ({ req }) => options.createContext({ req }),
    maxBodySize: MAX_RPC_BODY_BYTES,
    responseMeta: ({ paths, data, errors }) => {
      const [job] = data as Array<{ id?: unknown } | undefined>;
      if (errors.length === 0 && paths?.[0] === "jobs.create" && typeof job?.id === "string") {
        return { status: 202, headers: { Location: `${options.publicUrl}${REST_BASE_PATH}/jobs/${job.id}` } };
      }
      return {};
    },
  });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Routes are declared without the prefix (`/jobs/{jobId}`), as the document's server URL carries it.
    req.url = req.url!.slice(REST_BASE_PATH.length) || "/";
    answerErrorsAsAppErrors(res);
    await handler(req, res);
  };
}

/**
 * The adapter answers errors in tRPC's shape; plain HTTP endpoints of Atelier answer
 * `{ "error": { code, message, details } }` with the AppError code, so the body is rewritten as it ends.
 */
function answerErrorsAsAppErrors(res: ServerResponse): void {
  const end = res.end.bind(res);
  res.end = ((body?: unknown, ...rest: unknown[]) => {
    if (res.statusCode >= 400 && typeof body === "string")
      body = JSON.stringify({ error: appErrorOfBody(body).toJSON() });
    return (end as (...args: unknown[]) => ServerResponse)(body, ...rest);
  }) as ServerResponse["end"];
}

function appErrorOfBody(body: string): AppError {
  try {
    const parsed = JSON.parse(body) as {
      message?: unknown;
      code?: unknown;
      data?: { appCode?: unknown; details?: unknown };
    };
    const message = typeof parsed.message === "string" ? parsed.message : "The request failed.";
    const details = (parsed.data?.details as Record<string, unknown> | undefined) ?? {};
    if (typeof parsed.data?.appCode === "string")
      return new AppError(parsed.data.appCode as ErrorCode, message, details);
    if (parsed.code === "NOT_FOUND")
      return new AppError("NOT_FOUND", "No such route in the REST API; see /api/docs.");
    if (parsed.code === "UNSUPPORTED_MEDIA_TYPE")
      return new AppError(
        "VALIDATION_ERROR",
        "Send the request body as JSON (Content-Type: application/json).",
      );
    if (parsed.code === "PAYLOAD_TOO_LARGE")
      return new AppError("REQUEST_TOO_LARGE", "The request is larger than the server accepts.", {
        maxBytes: MAX_RPC_BODY_BYTES,
      });
    if (parsed.code === "BAD_REQUEST" || parsed.code === "PARSE_ERROR")
      return new AppError("VALIDATION_ERROR", message);
    return new AppError("INTERNAL", "Something went wrong on our side.");
  } catch {
    return new AppError("INTERNAL", "Something went wrong on our side.");
  }
}

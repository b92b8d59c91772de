import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, type ErrorCode, type Role } from "@atelier/shared";
import { inSpan, procedureSeconds } from "@atelier/telemetry";
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import type { ApiKeyScope } from "./auth/apiKeys.ts";
import type { Credential } from "./auth/authenticate.ts";
import { checkInputShape } from "./http/inputShape.ts";
import { MAX_BATCH_SIZE, MAX_RPC_BODY_BYTES } from "./http/requestLimits.ts";
import type { WebSocket } from "ws";
import { wireCallOf } from "./live/wireCall.ts";
import type { Services } from "./services.ts";

export interface Context {
  services: Services;
  /**
   * What the request (or, on a WebSocket, the upgrade) presented. Resolved to a principal on every
   * call, never once per connection: a sign-out or a revoked key stops the next call.
   */
  credential: Credential | null;
  req: IncomingMessage;
  /** Present over HTTP only: the WebSocket cannot set cookies. */
  res?: ServerResponse;
  /** The WebSocket a call came on (none over HTTP): live subscriptions write their frames into it. */
  socket?: WebSocket;
}

/**
 * Who may call a procedure. `resource` says which resource the input names (and so which
 * organization it belongs to); the access middleware resolves that organization once, for every
 * procedure, in one place. `scope` is what an API key must hold to call it (sessions hold all),
 * checked in `userProcedure` and nowhere else.
 */
export type ProcedureMeta = {
  resource?: "public" | "user" | "operator" | "org" | "project" | "asset" | "job";
  minRole?: Role;
  scope?: ApiKeyScope;
  /** Also served as REST under /api/v1 (see `rest/`): the shape trpc-to-openapi reads, written out here. */
  openapi?: RestRoute;
};

/**
 * A procedure's REST route (trpc-to-openapi's `OpenApiMeta["openapi"]`, declared structurally so the
 * router's type, which the SDK bundles, names no server-only package).
 */
export interface RestRoute {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: `/${string}`;
  summary?: string;
  description?: string;
  tags?: string[];
  /** Needs a credential (an API key as `Authorization: Bearer`); true for every route but public ones. */
  protect?: boolean;
  successDescription?: string;
}

/** The key scope an organization role's work needs: reading, changing, or administering. */
export function scopeForRole(minRole: Role): ApiKeyScope {
  if (minRole === "viewer") return "read";
  return minRole === "member" ? "write" : "admin";
}

const trpcCodeOf: Partial<Record<ErrorCode, TRPC_ERROR_CODE_KEY>> = {
  VALIDATION_ERROR: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  API_KEY_EXPIRED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UNSUPPORTED_MEDIA: "UNSUPPORTED_MEDIA_TYPE",
  FILE_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  REQUEST_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  IMAGE_TOO_LARGE: "UNPROCESSABLE_CONTENT",
  EMPTY_FILE: "UNPROCESSABLE_CONTENT",
  CORRUPT_IMAGE: "UNPROCESSABLE_CONTENT",
  NO_SUBJECT: "UNPROCESSABLE_CONTENT",
  HELD_FOR_REVIEW: "FORBIDDEN",
  INSUFFICIENT_CREDITS: "PAYMENT_REQUIRED",
  PLAN_CONCURRENCY_LIMIT: "TOO_MANY_REQUESTS",
  PLAN_RESOLUTION_LIMIT: "UNPROCESSABLE_CONTENT",
  PLAN_SEAT_LIMIT: "FORBIDDEN",
  STEP_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  CANCELLED: "CONFLICT",
  TIMEOUT: "TIMEOUT",
  UPSTREAM_ERROR: "BAD_GATEWAY",
};

export function appErrorOf(error: TRPCError): AppError | null {
  if (error.cause instanceof AppError) return error.cause;
  if (error.cause instanceof ZodError) {
    const issues = error.cause.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    // A message written as a sentence for people stands alone; zod's own terse ones say which field.
    const message = issues
      .map((i) => (i.path && !/[.!?]$/.test(i.message) ? `${i.path}: ${i.message}` : i.message))
      .join("; ");
    return new AppError("VALIDATION_ERROR", message || "The input is not valid.", { issues });
  }
  return transportErrorOf(error);
}

/** tRPC's own refusals (before any procedure runs) in the API's codes and words. */
function transportErrorOf(error: TRPCError): AppError | null {
  switch (error.code) {
    case "PAYLOAD_TOO_LARGE":
      return new AppError("REQUEST_TOO_LARGE", "The request is larger than the server accepts.", {
        maxBytes: MAX_RPC_BODY_BYTES,
      });
    case "BAD_REQUEST":
      return /batch/i.test(error.message)
        ? new AppError("REQUEST_TOO_LARGE", `Send at most ${MAX_BATCH_SIZE} calls in one batch.`, {
            maxBatchSize: MAX_BATCH_SIZE,
          })
        : new AppError("VALIDATION_ERROR", error.message);
    case "PARSE_ERROR":
      return new AppError("VALIDATION_ERROR", "The request is not valid JSON.");
    case "METHOD_NOT_SUPPORTED":
      return new AppError("VALIDATION_ERROR", error.message);
    case "NOT_FOUND":
      return new AppError("NOT_FOUND", error.message);
    default:
      return null;
  }
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const app = appErrorOf(error);
      const appCode = app?.code ?? (error.code === "INTERNAL_SERVER_ERROR" ? "INTERNAL" : error.code);
      return {
        ...shape,
        message:
          app?.message ??
          (error.code === "INTERNAL_SERVER_ERROR" ? "Something went wrong on our side." : shape.message),
        data: { ...shape.data, stack: undefined, appCode, details: app?.details ?? {} },
      };
    },
  });

/**
 * An AppError as the matching tRPC error. Middleware converts what procedures throw; a subscription
 * throws this itself when it ends mid-stream, where no middleware runs any more.
 */
export function toTrpcError(app: AppError): TRPCError {
  return new TRPCError({
    code: trpcCodeOf[app.code] ?? "INTERNAL_SERVER_ERROR",
    message: app.message,
    cause: app,
  });
}

/** A call's result with a thrown AppError as the matching tRPC code, so HTTP statuses and clients agree with it. */
function withAppErrors<R extends { ok: boolean; error?: TRPCError }>(
  result: R,
  ctx: Context,
  path: string,
): R {
  if (result.ok || !result.error) return result;
  const app = appErrorOf(result.error);
  if (app) return { ...result, error: toTrpcError(app) };
  if (result.error.code === "INTERNAL_SERVER_ERROR")
    ctx.services.log.error({ err: result.error.cause ?? result.error, path }, "procedure failed");
  return result;
}

/**
 * What every call goes through, in one middleware (each tRPC middleware level copies the call's
 * options and context; a submit went through eight of them):
 * - its raw input is checked for shapes no schema should ever meet (see inputShape.ts);
 * - its credential is resolved through the principal cache into `principal` (null when none holds);
 * - what it throws as an AppError leaves as the matching tRPC code;
 * - it is timed (procedure latency by outcome) and traced: `trpc <path>` is the span a job's trace
 *   starts from (its context travels in the bus message). Subscriptions last as long as a tab stays
 *   open, so they are neither timed nor traced.
 */
const callBase = t.middleware(async ({ ctx, path, type, getRawInput, next }) => {
  const call = async () => {
    let principal: Awaited<ReturnType<Services["access"]["principals"]["resolve"]>>;
    try {
      checkInputShape(await getRawInput());
      principal = await ctx.services.access.principals.resolve(ctx.credential);
    } catch (err) {
      if (err instanceof AppError) throw toTrpcError(err);
      ctx.services.log.error({ err, path }, "procedure failed");
      throw err;
    }
    return withAppErrors(await next({ ctx: { principal } }), ctx, path);
  };
  if (type === "subscription") return call();
  const started = performance.now();
  return inSpan(`trpc ${path}`, { "rpc.system": "trpc", "rpc.method": path }, async (span) => {
    const outcomeOf = (error: TRPCError) => appErrorOf(error)?.code ?? error.code;
    try {
      const result = await call();
      const outcome = result.ok ? "ok" : outcomeOf(result.error);
      procedureSeconds.observe({ procedure: path, type, outcome }, (performance.now() - started) / 1000);
      if (!result.ok) span.setAttribute("atelier.error_code", outcome);
      return result;
    } catch (err) {
      const outcome = err instanceof TRPCError ? outcomeOf(err) : "INTERNAL";
      procedureSeconds.observe({ procedure: path, type, outcome }, (performance.now() - started) / 1000);
      span.setAttribute("atelier.error_code", outcome);
      throw err;
    }
  });
});

/** Puts a WebSocket subscription call's wire identity (see live/wireCall.ts) into the context as `wire`. */
export const wireCall = t.middleware(async ({ getRawInput, next }) =>
  next({ ctx: { wire: wireCallOf(await getRawInput()) } }),
);

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

export const publicProcedure = t.procedure.use(callBase).meta({ resource: "public" });

/** Signed-in callers only, holding the API key scope the procedure declares (fail closed when it declares none). */
export const userProcedure = t.procedure
  .use(callBase)
  .meta({ resource: "user" })
  .use(async ({ ctx, meta, path, next }) => {
    if (!ctx.principal) throw new AppError("UNAUTHORIZED", "Sign in first.");
    const scope = meta?.scope;
    if (!scope) throw new AppError("INTERNAL", `The procedure ${path} declares no scope.`);
    if (!ctx.principal.scopes.has(scope)) {
      throw new AppError("FORBIDDEN", `This API key lacks the "${scope}" scope.`, { scope });
    }
    const { rates } = ctx.services;
    if (ctx.principal.kind === "apiKey") await rates.apiKeyCalls.consume(ctx.principal.apiKeyId);
    else await rates.userCalls.consume(ctx.principal.user.id);
    return next({ ctx: { principal: ctx.principal } });
  });

/**
 * The installation's operator only (its first account): installation-wide nodes, queues, dead letters,
 * plans, packs and credit grants. Anyone else gets FORBIDDEN.
 */
export const operatorProcedure = userProcedure
  .meta({ resource: "operator", scope: "admin" })
  .use(({ ctx, next }) => {
    if (!ctx.principal.user.isOperator) {
      throw new AppError(
        "FORBIDDEN",
        "Only the operator of this installation can do this; ask them (the installation's first account).",
      );
    }
    return next();
  });

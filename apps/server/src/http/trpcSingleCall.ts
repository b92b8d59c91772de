import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnyRouter } from "@trpc/server";
import {
  getErrorShape,
  getHTTPStatusCodeFromError,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  TRPCError,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import type { Context } from "../trpc.ts";
import { MAX_RPC_BODY_BYTES } from "./requestLimits.ts";
import { rpcResponseMeta } from "./rpcResponseMeta.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const METHOD_OF = { query: "GET", mutation: "POST" } as const;

/**
 * One query or mutation per request, in tRPC's HTTP wire format, answered without tRPC's fetch adapter.
 * That adapter makes a WHATWG Request of every request (headers copied, an AbortController, a body
 * stream) and a Response of every answer. Measured with bench/lifecycle.ts, a job submission's server
 * CPU went from 1.47 to 0.84 ms without it. Same URL, input, status, headers and body as tRPC's own answer
 * (`trpcSingleCall.test.ts` asks both); batches, subscriptions, HEAD, other content types and calls
 * to a missing procedure or with the wrong method go to tRPC's handler (`fallback`), so every odd
 * request still gets tRPC's own answer.
 */
export function createSingleCallHandler(options: {
  router: AnyRouter;
  /** Where the procedure paths start, as tRPC's handler is told (`/trpc/`). */
  basePath: string;
  createContext(req: IncomingMessage, res: ServerResponse): Context;
  fallback: Handler;
}): Handler {
  const { router, basePath, createContext, fallback } = options;
  const config = router._def._config;
  return async (req, res) => {
    const url = req.url ?? "";
    const query = url.indexOf("?");
    const path = decodedPath(url.slice(basePath.length, query < 0 ? undefined : query));
    const search = query < 0 ? null : new URLSearchParams(url.slice(query + 1));
    if (path === null || !isSingleJsonCall(req, path, search)) return fallback(req, res);
    const procedure = await getProcedureAtPath(router, path);
    const type = procedure?._def.type;
    if (!procedure || (type !== "query" && type !== "mutation") || METHOD_OF[type] !== req.method) {
      return fallback(req, res);
    }
    const ctx = createContext(req, res);
    let input: unknown;
    let error: TRPCError | undefined;
    let data: unknown;
    try {
      input = req.method === "GET" ? parseInput(search?.get("input")) : parseInput(await bodyText(req));
      data = await procedure({
        path,
        type,
        ctx,
        getRawInput: async () => input,
        signal: undefined,
        batchIndex: 0,
      });
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
    }
    const body = error
      ? { error: getErrorShape({ config, ctx, error, input, path, type }) }
      : { result: { data } };
    const meta = rpcResponseMeta({ errors: error ? [error] : [] });
    res.statusCode = meta.status ?? (error ? getHTTPStatusCodeFromError(error) : 200);
    res.setHeader("vary", "trpc-accept, accept");
    res.setHeader("content-type", "application/json");
    for (const [name, value] of Object.entries(meta.headers ?? {})) res.setHeader(name, value);
    res.end(JSON.stringify(transformTRPCResponse(config, body)));
  };
}

/** Null for a malformed escape, which tRPC's handler answers. */
function decodedPath(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Not a batch, not a stream, and JSON (a GET may omit the content type, as tRPC allows). */
function isSingleJsonCall(req: IncomingMessage, path: string, search: URLSearchParams | null): boolean {
  if (path.includes(",") || search?.get("batch") === "1") return false;
  if (req.headers["trpc-accept"] !== undefined) return false;
  if (req.method === "GET") return true;
  const contentType = req.headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase();
  return req.method === "POST" && contentType === "application/json";
}

/** tRPC's reading of a JSON input: nothing (or an empty body) is undefined, bad JSON a BAD_REQUEST saying why. */
function parseInput(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new TRPCError({ code: "BAD_REQUEST", cause });
  }
}

/** The body as text; the request's declared size was checked before (handleRequest.ts), this caps it anyway. */
function bodyText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_RPC_BODY_BYTES) {
        reject(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString()),
    );
    req.on("error", reject);
  });
}

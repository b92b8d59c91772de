import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { AppError, type Logger, httpStatusOf, toAppError } from "@atelier/shared";
import { contentDisposition } from "./contentDisposition.ts";
import type { LocalDiskStorage } from "./LocalDiskStorage.ts";
import { assertValidObjectKey } from "./objectKey.ts";
import type { DownloadClaims, UploadClaims } from "./signedUrl.ts";
import { sameContentType } from "./storageOptions.ts";

export interface LocalStorageHandlerOptions {
  /**
   * Browser origins (e.g. `https://app.example.com`) that may PUT uploads and GET
   * files across origins; `"*"` allows any. Default: none (same origin only).
   */
  allowedOrigins?: readonly string[];
  /** Where unexpected failures are logged; default: not logged. */
  logger?: Logger;
}

export type StorageRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Hard cap on bytes read and thrown away after refusing an upload, so the client still sees the answer. */
const MAX_DISCARD_BYTES = 1024 * 1024;

/**
 * Serves signed GET/HEAD and accepts signed PUT for a LocalDiskStorage under
 * `<publicBaseUrl path>/storage/`. Resolves false for any other path so the server can
 * try its next handler; never rejects (failures become JSON error responses).
 */
export function createLocalStorageHandler(
  storage: LocalDiskStorage,
  options: LocalStorageHandlerOptions = {},
): StorageRequestHandler {
  const allowedOrigins = new Set(options.allowedOrigins ?? []);

  return async (req, res) => {
    const rawUrl = req.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    // Parsed by hand: WHATWG URL parsing would resolve `..` before the key is validated.
    const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    if (!rawPath.startsWith(storage.routePrefix)) return false;
    const query = new URLSearchParams(queryStart === -1 ? "" : rawUrl.slice(queryStart + 1));

    setCorsHeaders(req, res, allowedOrigins);
    try {
      if (req.method === "OPTIONS") {
        res.writeHead(204, { "Content-Length": "0" }).end();
        return true;
      }
      const key = decodeKey(rawPath.slice(storage.routePrefix.length));
      if (req.method === "GET" || req.method === "HEAD") {
        await serveDownload(storage, key, query, req, res);
      } else if (req.method === "PUT") {
        await receiveUpload(storage, key, query, req, res);
      } else {
        res.setHeader("Allow", "GET, HEAD, PUT, OPTIONS");
        const err = new AppError("VALIDATION_ERROR", `Storage URLs accept GET and PUT, not ${req.method}.`, {
          method: req.method,
        });
        sendError(req, res, err, 405);
      }
    } catch (err) {
      const appError = toAppError(err);
      if (appError.code === "INTERNAL") options.logger?.error({ err }, "storage request failed");
      sendError(req, res, appError);
    }
    return true;
  };
}

function decodeKey(rawKey: string): string {
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    throw new AppError("VALIDATION_ERROR", "The storage path is not valid URL encoding.", {});
  }
  assertValidObjectKey(key);
  return key;
}

async function serveDownload(
  storage: LocalDiskStorage,
  key: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const claims = storage.verify("GET", key, query) as DownloadClaims;
  const object = await storage.openForRead(key);
  if (!object)
    throw new AppError("NOT_FOUND", "That file does not exist (it may have been deleted).", { key });

  const secondsLeft = Math.max(0, claims.exp - storage.nowSec());
  res.writeHead(200, {
    "Content-Type": claims.contentType ?? object.contentType ?? "application/octet-stream",
    "Content-Length": String(object.bytes),
    "Cache-Control": `private, max-age=${secondsLeft}`,
    "X-Content-Type-Options": "nosniff",
    // Uploaded bytes are never trusted as a document of this origin.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    ...(claims.filename === undefined ? {} : { "Content-Disposition": contentDisposition(claims.filename) }),
  });
  if (req.method === "HEAD") {
    await object.handle.close();
    res.end();
    return;
  }
  try {
    await pipeline(object.handle.createReadStream({ autoClose: false }), res);
  } catch {
    // The client went away mid-download; there is no one left to answer.
  } finally {
    await object.handle.close();
  }
}

async function receiveUpload(
  storage: LocalDiskStorage,
  key: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const claims = storage.verify("PUT", key, query) as UploadClaims;
  const sentType = req.headers["content-type"] ?? "";
  if (!sameContentType(sentType, claims.contentType)) {
    throw new AppError(
      "VALIDATION_ERROR",
      `The upload must be sent as ${claims.contentType}, as it was signed for, not ${sentType || "no type"}.`,
      { expected: claims.contentType, received: sentType || null },
    );
  }
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) !== claims.contentLength) {
    throw sizeMismatch(key, Number(declared), claims.contentLength);
  }
  await storage.writeFromStream(key, req, claims.contentType, claims.contentLength);
  res.writeHead(200, { "Content-Length": "0" }).end();
}

function sizeMismatch(key: string, bytes: number, signedBytes: number): AppError {
  if (bytes > signedBytes) {
    return new AppError(
      "FILE_TOO_LARGE",
      `The upload is larger than the ${signedBytes} bytes it was signed for.`,
      {
        key,
        bytes,
        maxBytes: signedBytes,
      },
    );
  }
  return new AppError("VALIDATION_ERROR", `The upload is ${bytes} bytes but was signed for ${signedBytes}.`, {
    key,
    bytes,
    expectedBytes: signedBytes,
  });
}

function setCorsHeaders(req: IncomingMessage, res: ServerResponse, allowed: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (origin === undefined || !(allowed.has("*") || allowed.has(origin))) return;
  res.setHeader("Access-Control-Allow-Origin", allowed.has("*") ? "*" : origin);
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, PUT, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", "Content-Type");
  res.setHeader("Access-Control-Expose-Headers", "Content-Disposition, Content-Length");
  res.setHeader("Access-Control-Max-Age", "600");
}

function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  err: AppError,
  status = httpStatusOf[err.code],
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: err.toJSON() });
  const headers: Record<string, string> = {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
    "Cache-Control": "no-store",
  };
  const bodyUnread = !req.complete;
  if (bodyUnread) headers.Connection = "close";
  res.writeHead(status, headers).end(body);
  if (bodyUnread) discardRestOfBody(req);
}

// Reading a little more lets the client finish sending and read the answer instead of a reset.
function discardRestOfBody(req: IncomingMessage): void {
  let discarded = 0;
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) req.destroy();
  });
  req.resume();
}

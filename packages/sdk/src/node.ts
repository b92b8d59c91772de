/**
 * `@atelier/sdk` in Node (20+): the key travels as `Authorization: Bearer` on every request and on the
 * WebSocket upgrade; uploads read paths as streams and report progress as bytes leave; downloads
 * stream to disk.
 */
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { WebSocket as NodeWebSocket } from "ws";
import { type AtelierOptions, createAtelierWith } from "./client.ts";
import { AtelierError, httpError, toAtelierError } from "./errors.ts";
import { contentTypeOfName, type Platform, readInMemory, sniffContentType } from "./platform.ts";

export * from "./exports.ts";

const nodePlatform: Platform = {
  webSocket(apiKey) {
    class KeyedSocket extends NodeWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        // A handshake nobody answers (a server still starting, a stuck proxy) fails and is retried,
        // rather than holding the live stream forever.
        super(url, protocols, { headers: { authorization: `Bearer ${apiKey}` }, handshakeTimeout: 10_000 });
      }
      /** The one member of the browser's WebSocket that ws lacks; tRPC never calls it. */
      dispatchEvent(): boolean {
        return false;
      }
    }
    // tRPC's wsClient asks for the browser's WebSocket class; ws implements the same interface.
    return KeyedSocket as typeof globalThis.WebSocket;
  },

  async readSource(source, filename) {
    if (typeof source !== "string") return readInMemory(source, filename);
    const info = await stat(source).catch(() => null);
    if (!info) throw new AtelierError("NOT_FOUND", `No such file: ${source}.`, { path: source });
    if (!info.isFile())
      throw new AtelierError("VALIDATION_ERROR", `Not a file: ${source}.`, { path: source });
    const handle = await open(source, "r");
    const head = new Uint8Array(16);
    try {
      await handle.read(head, 0, 16, 0);
    } finally {
      await handle.close();
    }
    const name = filename ?? basename(source);
    return {
      filename: name,
      contentType: sniffContentType(head) ?? contentTypeOfName(name) ?? "application/octet-stream",
      bytes: info.size,
      body: { path: source },
    };
  },

  put(target, source, onProgress, signal) {
    return new Promise<void>((resolve, reject) => {
      const url = new URL(target.url);
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const req = send(url, {
        method: target.method,
        headers: { ...target.headers, "content-length": String(source.bytes) },
        signal,
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            onProgress(1);
            resolve();
          } else {
            void httpError(new Response(Buffer.concat(chunks), { status }), "The upload").then(reject);
          }
        });
      });
      req.on("error", (err) => reject(toAtelierError(err)));
      let sent = 0;
      const body = "path" in source.body ? createReadStream(source.body.path) : bodyStream(source.body);
      body.on("data", (chunk: Buffer) => {
        sent += chunk.length;
        if (sent < source.bytes) onProgress(sent / source.bytes);
      });
      body.on("error", (err: Error) => {
        req.destroy(err);
        reject(toAtelierError(err));
      });
      body.pipe(req);
    });
  },

  async save(res, fileName, dest, { overwrite }) {
    const folder = await stat(dest).catch(() => null);
    const path = folder?.isDirectory() ? join(dest, fileName) : dest;
    const handle = await open(path, overwrite ? "w" : "wx").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "EEXIST") {
        throw new AtelierError(
          "CONFLICT",
          `${path} already exists; pass { overwrite: true } to replace it.`,
          {
            path,
          },
        );
      }
      throw err;
    });
    try {
      if (!res.body) throw new AtelierError("INTERNAL", "The download had no body.");
      await pipeline(
        Readable.fromWeb(res.body as import("node:stream/web").ReadableStream),
        handle.createWriteStream(),
      );
    } finally {
      await handle.close().catch(() => {});
    }
    return path;
  },
};

function bodyStream(body: Blob | Uint8Array): Readable {
  if (body instanceof Uint8Array)
    return Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
  return Readable.fromWeb(body.stream() as import("node:stream/web").ReadableStream);
}

/** A client of one Atelier server: the whole typed API plus upload, run and download helpers. */
export function createAtelier(options: AtelierOptions) {
  return createAtelierWith(options, nodePlatform);
}

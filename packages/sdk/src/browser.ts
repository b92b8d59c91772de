/**
 * `@atelier/sdk` in browsers (and any runtime with a global WebSocket but no `node:` modules). The key
 * travels in the WebSocket subprotocol, the one header a browser lets a page set on an upgrade.
 */
import { AtelierError, httpError } from "./errors.ts";
import { type AtelierOptions, createAtelierWith } from "./client.ts";
import { type Platform, type ReadSource, readInMemory, type UploadTarget } from "./platform.ts";

export * from "./exports.ts";

const browserPlatform: Platform = {
  webSocket(apiKey) {
    const Base = globalThis.WebSocket;
    return class AtelierSocket extends Base {
      constructor(url: string | URL) {
        super(url, ["atelier", `atelier.bearer.${apiKey}`]);
      }
    };
  },
  async readSource(source, filename) {
    if (typeof source === "string") {
      throw new AtelierError(
        "VALIDATION_ERROR",
        "A browser cannot read a file by its path: pass a File, a Blob or the bytes.",
      );
    }
    return readInMemory(source, filename);
  },
  put(target, source, onProgress, signal) {
    if (typeof XMLHttpRequest === "undefined") return putWithFetch(target, source.body, onProgress, signal);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(target.method, target.url);
      for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(1);
          resolve();
        } else {
          void httpError(new Response(xhr.responseText, { status: xhr.status }), "The upload").then(reject);
        }
      };
      xhr.onerror = () =>
        reject(
          new AtelierError("UNAVAILABLE", "The upload was interrupted. Check your connection and try again."),
        );
      xhr.onabort = () => reject(new AtelierError("CANCELLED", "The upload was cancelled."));
      signal?.addEventListener("abort", () => xhr.abort(), { once: true });
      // A Uint8Array's view may be of a larger buffer: send exactly its bytes.
      xhr.send(blobOf(source.body));
    });
  },
  async save() {
    throw new AtelierError(
      "VALIDATION_ERROR",
      "A browser has no folders to save into: use atelier.fetchOutput(output) for a Blob.",
    );
  },
};

async function putWithFetch(
  target: UploadTarget,
  body: ReadSource["body"],
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const res = await fetch(target.url, {
    method: target.method,
    headers: target.headers,
    body: blobOf(body),
    signal,
  });
  if (!res.ok) throw await httpError(res, "The upload");
  onProgress(1);
}

/** A client of one Atelier server: the whole typed API plus upload, run and download helpers. */
export function createAtelier(options: AtelierOptions) {
  return createAtelierWith(options, browserPlatform);
}

function blobOf(body: ReadSource["body"]): Blob {
  if (body instanceof Blob) return body;
  if (body instanceof Uint8Array) return new Blob([body.slice()]);
  throw new AtelierError("VALIDATION_ERROR", "A browser cannot read a file by its path.");
}

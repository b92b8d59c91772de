/** Where and how the server said to send an upload's bytes (a signed URL and the headers it covers). */
export interface UploadTarget {
  url: string;
  method: "PUT";
  headers: Record<string, string>;
}

/** What `upload()` takes: a path (Node), a Blob or File (browsers, Node 20+), or bytes. */
export type UploadSource = string | Blob | Uint8Array;

/** An upload source read far enough to declare it: its name, type and size, and its bytes. */
export interface ReadSource {
  filename: string;
  contentType: string;
  bytes: number;
  /** A file on disk (Node) is streamed when it is sent, never read whole. */
  body: Blob | Uint8Array | { path: string };
}

/** A WebSocket class tRPC's wsClient can construct with `new (url, protocols)`. */
export type WebSocketClass = typeof globalThis.WebSocket;

/**
 * What differs between Node and browsers: how the WebSocket carries the key, where upload bytes come
 * from, how they are sent with progress, and where downloads go.
 */
export interface Platform {
  webSocket(apiKey: string): WebSocketClass;
  readSource(source: UploadSource, filename?: string): Promise<ReadSource>;
  put(
    target: UploadTarget,
    source: ReadSource,
    onProgress: (fraction: number) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Streams a downloaded body to `dest` (a folder, or a file path); answers the path written. */
  save(res: Response, fileName: string, dest: string, options: { overwrite: boolean }): Promise<string>;
}

const extensionTypes: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  avif: "image/avif",
};

/** The media type a file name's extension says; the server checks the bytes themselves anyway. */
export function contentTypeOfName(name: string): string | null {
  const ext = name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return (ext && extensionTypes[ext]) || null;
}

/** The media type of an image from its first bytes (PNG, JPEG, GIF, WebP, AVIF). */
export function sniffContentType(head: Uint8Array): string | null {
  const at = (i: number) => head[i] ?? -1;
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (at(0) === 0x89 && ascii(1, 4) === "PNG") return "image/png";
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  if (ascii(0, 4) === "GIF8") return "image/gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  if (ascii(4, 8) === "ftyp" && /^avi[fs]$/.test(ascii(8, 12))) return "image/avif";
  return null;
}

const extensionOfType: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/avif": "avif",
};

/** A name for bytes that came without one: `upload.png`. */
export function defaultFileName(contentType: string | null): string {
  return `upload.${(contentType && extensionOfType[contentType]) || "bin"}`;
}

/** Reads a Blob or bytes; a path is the Node platform's business. */
export async function readInMemory(source: Blob | Uint8Array, filename?: string): Promise<ReadSource> {
  const head =
    source instanceof Uint8Array
      ? source.subarray(0, 16)
      : new Uint8Array(await source.slice(0, 16).arrayBuffer());
  const named = filename ?? (typeof File !== "undefined" && source instanceof File ? source.name : undefined);
  const declared = source instanceof Blob && source.type ? source.type : null;
  const contentType =
    sniffContentType(head) ??
    (named ? contentTypeOfName(named) : null) ??
    declared ??
    "application/octet-stream";
  return {
    filename: named || defaultFileName(contentType),
    contentType,
    bytes: source instanceof Uint8Array ? source.byteLength : source.size,
    body: source,
  };
}

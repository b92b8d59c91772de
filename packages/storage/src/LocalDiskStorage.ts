import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { AppError } from "@atelier/shared";
import { copyWithLimit } from "./copyWithLimit.ts";
import type {
  DownloadUrlOptions,
  ObjectInfo,
  ObjectStorage,
  UploadTarget,
  UploadUrlOptions,
} from "./ObjectStorage.ts";
import { assertValidObjectKey } from "./objectKey.ts";
import { type SignedClaims, signClaims, verifyClaims } from "./signedUrl.ts";
import type { LocalStorageConfig } from "./storageConfig.ts";
import {
  assertWithinMaxBytes,
  notFound,
  parseContentType,
  parseDownloadUrlOptions,
  parseUploadUrlOptions,
} from "./storageOptions.ts";

export interface LocalDiskStorageOptions {
  /** Clock in milliseconds; default `Date.now`. Tests move it to expire URLs. */
  now?: () => number;
}

/** An object opened for reading; the caller closes `handle`. */
export interface OpenObject {
  handle: FileHandle;
  bytes: number;
  contentType?: string;
}

interface ObjectMeta {
  key: string;
  contentType: string;
}

const alreadyUploaded = (key: string) =>
  new AppError("CONFLICT", "This upload URL was already used; ask for a new one to upload again.", { key });

const isMissing = (err: unknown) =>
  (err as NodeJS.ErrnoException | null)?.code === "ENOENT" ||
  (err as NodeJS.ErrnoException | null)?.code === "ENOTDIR";

/** Resolves once the stream has closed, with the first error it reported (if any). */
function whenClosed(stream: Writable): Promise<Error | null> {
  return new Promise((resolve) => {
    let firstError: Error | null = null;
    stream.on("error", (err) => {
      firstError ??= err;
    });
    stream.once("close", () => resolve(firstError));
  });
}

/**
 * Objects on the local disk, reached by browsers through HMAC-signed URLs that
 * `createLocalStorageHandler` serves. Files are named by the SHA-256 of their key
 * (`objects/ab/abcdef….bin` plus a `.json` with the key and content type), so no key
 * can reach outside the folder or collide with another key's folder. Every write
 * goes to `tmp/` first and is renamed into place: a reader sees the old bytes or the
 * new ones, never a partial file.
 */
export class LocalDiskStorage implements ObjectStorage {
  readonly kind = "local" as const;
  /** URL path the handler answers under, e.g. `/storage/` or `/app/storage/`. */
  readonly routePrefix: string;
  readonly #config: LocalStorageConfig;
  readonly #now: () => number;
  readonly #objectsDir: string;
  readonly #tmpDir: string;

  constructor(config: LocalStorageConfig, options: LocalDiskStorageOptions = {}) {
    this.#config = config;
    this.#now = options.now ?? Date.now;
    this.#objectsDir = join(config.dir, "objects");
    this.#tmpDir = join(config.dir, "tmp");
    this.routePrefix = `${new URL(config.publicBaseUrl).pathname.replace(/\/+$/, "")}/storage/`;
  }

  async createUploadUrl(key: string, opts: UploadUrlOptions): Promise<UploadTarget> {
    assertValidObjectKey(key);
    const { contentType, contentLength, expiresInSec } = parseUploadUrlOptions(opts);
    const query = signClaims(this.#config.secret, {
      method: "PUT",
      key,
      exp: this.nowSec() + expiresInSec,
      contentType,
      contentLength,
    });
    return { url: `${this.#urlOf(key)}?${query}`, method: "PUT", headers: { "Content-Type": contentType } };
  }

  async createDownloadUrl(key: string, opts: DownloadUrlOptions): Promise<string> {
    assertValidObjectKey(key);
    const { expiresInSec, filename, contentType } = parseDownloadUrlOptions(opts);
    const claims: SignedClaims = { method: "GET", key, exp: this.nowSec() + expiresInSec };
    if (filename !== undefined) claims.filename = filename;
    if (contentType !== undefined) claims.contentType = contentType;
    return `${this.#urlOf(key)}?${signClaims(this.#config.secret, claims)}`;
  }

  async get(key: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
    const object = await this.openForRead(key);
    if (!object) throw notFound(key);
    try {
      assertWithinMaxBytes(key, object.bytes, opts.maxBytes);
      return await object.handle.readFile();
    } finally {
      await object.handle.close();
    }
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    assertValidObjectKey(key);
    parseContentType(contentType);
    await this.#writeAtomically(key, contentType, { createOnly: false }, (tmpPath) =>
      writeFile(tmpPath, data, { flag: "wx", flush: true }),
    );
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const object = await this.openForRead(key);
    if (!object) return null;
    await object.handle.close();
    return object.contentType === undefined
      ? { bytes: object.bytes }
      : { bytes: object.bytes, contentType: object.contentType };
  }

  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    const paths = this.#pathsOf(key);
    await rm(paths.data, { force: true });
    await rm(paths.meta, { force: true });
  }

  /**
   * Deletes in-flight upload files older than `olderThanMs` (default one day): what a
   * crash mid-upload leaves behind. Call at start-up; returns how many it removed.
   */
  async removeStaleTempFiles(olderThanMs = 24 * 3600 * 1000): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.#tmpDir);
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.#tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (info && Date.now() - info.mtimeMs > olderThanMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Checks a signed URL's query for this method and key; returns what it authorizes. */
  verify(method: "GET" | "PUT", key: string, query: URLSearchParams): SignedClaims {
    return verifyClaims(this.#config.secret, method, key, query, this.nowSec());
  }

  /** Opens the object as it is now; a later overwrite does not change what this handle reads. */
  async openForRead(key: string): Promise<OpenObject | null> {
    assertValidObjectKey(key);
    const paths = this.#pathsOf(key);
    let handle: FileHandle;
    try {
      handle = await open(paths.data, "r");
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    try {
      const { size } = await handle.stat();
      const meta = await this.#readMeta(paths.meta);
      return meta ? { handle, bytes: size, contentType: meta.contentType } : { handle, bytes: size };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /**
   * Streams an upload into place. It must be exactly `exactBytes` long: past that it
   * stops reading and throws FILE_TOO_LARGE; short of it, VALIDATION_ERROR. Either
   * way nothing is stored at the key.
   */
  /**
   * Writes a signed upload. Create-only: an upload URL is single-use, so an object that already
   * has bytes is never replaced (CONFLICT), not even by two PUTs racing each other.
   */
  async writeFromStream(
    key: string,
    source: Readable,
    contentType: string,
    exactBytes: number,
  ): Promise<void> {
    assertValidObjectKey(key);
    if (await this.head(key)) throw alreadyUploaded(key);
    await this.#writeAtomically(key, contentType, { createOnly: true }, async (tmpPath) => {
      const sink = createWriteStream(tmpPath, { flags: "wx", flush: true });
      const closed = whenClosed(sink);
      let bytes: number;
      try {
        bytes = await copyWithLimit(source, sink, exactBytes);
      } catch (err) {
        sink.destroy();
        await closed;
        throw err;
      }
      // `flush` syncs the data on close; renaming before that could publish unsynced bytes.
      const closeError = await closed;
      if (closeError) throw closeError;
      if (bytes !== exactBytes) {
        throw new AppError(
          "VALIDATION_ERROR",
          `The upload ended after ${bytes} of the ${exactBytes} bytes it was signed for.`,
          { key, bytes, expectedBytes: exactBytes },
        );
      }
    });
  }

  async #writeAtomically(
    key: string,
    contentType: string,
    mode: { createOnly: boolean },
    fill: (tmpPath: string) => Promise<void>,
  ): Promise<void> {
    const paths = this.#pathsOf(key);
    await mkdir(this.#tmpDir, { recursive: true });
    const tmpData = join(this.#tmpDir, `${randomUUID()}.bin`);
    const tmpMeta = join(this.#tmpDir, `${randomUUID()}.json`);
    try {
      await fill(tmpData);
      const meta: ObjectMeta = { key, contentType };
      await writeFile(tmpMeta, JSON.stringify(meta), { flag: "wx", flush: true });
      await mkdir(paths.dir, { recursive: true });
      // Data first: a crash in between leaves the new bytes with the old (or no) type, never torn bytes.
      if (mode.createOnly) {
        // link() fails when the name exists, where rename() would replace it.
        await link(tmpData, paths.data).catch((err: NodeJS.ErrnoException) => {
          throw err.code === "EEXIST" ? alreadyUploaded(key) : err;
        });
        await rm(tmpData, { force: true });
      } else {
        await rename(tmpData, paths.data);
      }
      await rename(tmpMeta, paths.meta);
    } catch (err) {
      await rm(tmpData, { force: true });
      await rm(tmpMeta, { force: true });
      throw err;
    }
  }

  async #readMeta(path: string): Promise<ObjectMeta | null> {
    try {
      return JSON.parse(await readFile(path, "utf8")) as ObjectMeta;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  #pathsOf(key: string): { dir: string; data: string; meta: string } {
    const hash = createHash("sha256").update(key).digest("hex");
    const dir = join(this.#objectsDir, hash.slice(0, 2));
    return { dir, data: join(dir, `${hash}.bin`), meta: join(dir, `${hash}.json`) };
  }

  #urlOf(key: string): string {
    const path = key.split("/").map(encodeURIComponent).join("/");
    return `${this.#config.publicBaseUrl}/storage/${path}`;
  }

  /** The storage clock in Unix seconds (what URL expiry is judged against). */
  nowSec(): number {
    return Math.floor(this.#now() / 1000);
  }
}

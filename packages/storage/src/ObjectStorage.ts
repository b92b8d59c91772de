/** Where and how a client sends the bytes of one object, straight to storage. */
export interface UploadTarget {
  url: string;
  method: "PUT";
  /** Headers the client must send as given (the signature covers them). */
  headers: Record<string, string>;
}

export interface UploadUrlOptions {
  /** Signed: the PUT must carry exactly this Content-Type. */
  contentType: string;
  /** Signed: the PUT must carry exactly this many bytes. */
  contentLength: number;
  expiresInSec: number;
}

export interface DownloadUrlOptions {
  expiresInSec: number;
  /** When given, the response asks the browser to save the file under this name. */
  filename?: string;
  /** Overrides the stored Content-Type in the response. */
  contentType?: string;
}

export interface ObjectInfo {
  bytes: number;
  contentType?: string;
}

/**
 * Object storage as Atelier uses it: browsers PUT uploads and GET outputs through
 * short-lived signed URLs; the server and workers read and write bytes directly.
 * Keys are validated by `assertValidObjectKey` in every implementation.
 */
export interface ObjectStorage {
  readonly kind: "local" | "s3";
  /** A URL the client PUTs exactly `contentLength` bytes of `contentType` to, before `expiresInSec`. */
  createUploadUrl(key: string, opts: UploadUrlOptions): Promise<UploadTarget>;
  createDownloadUrl(key: string, opts: DownloadUrlOptions): Promise<string>;
  /** Reads at most `maxBytes` (FILE_TOO_LARGE beyond); NOT_FOUND when missing. */
  get(key: string, opts?: { maxBytes?: number }): Promise<Buffer>;
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** null when missing. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Succeeds when the key is already missing. */
  delete(key: string): Promise<void>;
}

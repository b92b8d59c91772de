import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { AppError, isAppError } from "@atelier/shared";
import { contentDisposition } from "./contentDisposition.ts";
import type {
  DownloadUrlOptions,
  ObjectInfo,
  ObjectStorage,
  UploadTarget,
  UploadUrlOptions,
} from "./ObjectStorage.ts";
import { assertValidObjectKey } from "./objectKey.ts";
import type { S3StorageConfig } from "./storageConfig.ts";
import {
  assertWithinMaxBytes,
  notFound,
  parseContentType,
  parseDownloadUrlOptions,
  parseUploadUrlOptions,
} from "./storageOptions.ts";

function clientConfig(config: S3StorageConfig, endpoint: string | undefined): S3ClientConfig {
  return {
    region: config.region,
    ...(endpoint === undefined ? {} : { endpoint }),
    forcePathStyle: config.forcePathStyle ?? false,
    ...(config.accessKeyId !== undefined && config.secretAccessKey !== undefined
      ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
      : {}),
    // Since 3.729 the SDK adds CRC32 checksums by default: presigned PUTs would carry the
    // checksum of an empty body, which S3, R2 and MinIO reject.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}

const isMissingObject = (err: unknown) =>
  err instanceof S3ServiceException &&
  (err.name === "NoSuchKey" || err.name === "NotFound" || err.$metadata.httpStatusCode === 404);

function upstream(err: unknown, action: string, key: string): AppError {
  if (isAppError(err)) return err;
  return new AppError(
    "UPSTREAM_ERROR",
    `Object storage failed to ${action}. Try again shortly.`,
    { key, reason: err instanceof Error ? err.message : String(err) },
    { cause: err },
  );
}

/**
 * Any S3-compatible store (AWS, MinIO, R2) through the AWS SDK. Browsers upload and
 * download through presigned URLs built against `publicEndpoint` when the server
 * reaches the store at a different address than browsers do.
 */
export class S3Storage implements ObjectStorage {
  readonly kind = "s3" as const;
  readonly #bucket: string;
  readonly #client: S3Client;
  readonly #presignClient: S3Client;

  constructor(config: S3StorageConfig) {
    this.#bucket = config.bucket;
    this.#client = new S3Client(clientConfig(config, config.endpoint));
    this.#presignClient =
      config.publicEndpoint === undefined || config.publicEndpoint === config.endpoint
        ? this.#client
        : new S3Client(clientConfig(config, config.publicEndpoint));
  }

  async createUploadUrl(key: string, opts: UploadUrlOptions): Promise<UploadTarget> {
    assertValidObjectKey(key);
    const { contentType, contentLength, expiresInSec } = parseUploadUrlOptions(opts);
    const command = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ContentType: contentType,
      ContentLength: contentLength,
      // Create-only: a second PUT to the same URL must not replace bytes the server already checked.
      IfNoneMatch: "*",
    });
    const url = await getSignedUrl(this.#presignClient, command, {
      expiresIn: expiresInSec,
      // Signing these makes the store refuse a body of another size or type, or a second upload.
      signableHeaders: new Set(["content-type", "content-length", "if-none-match"]),
    });
    return { url, method: "PUT", headers: { "Content-Type": contentType, "If-None-Match": "*" } };
  }

  async createDownloadUrl(key: string, opts: DownloadUrlOptions): Promise<string> {
    assertValidObjectKey(key);
    const { expiresInSec, filename, contentType } = parseDownloadUrlOptions(opts);
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ...(filename === undefined ? {} : { ResponseContentDisposition: contentDisposition(filename) }),
      ...(contentType === undefined ? {} : { ResponseContentType: contentType }),
    });
    return getSignedUrl(this.#presignClient, command, { expiresIn: expiresInSec });
  }

  async get(key: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
    assertValidObjectKey(key);
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      if (!body) throw notFound(key);
      try {
        if (out.ContentLength !== undefined) assertWithinMaxBytes(key, out.ContentLength, opts.maxBytes);
        const chunks: Buffer[] = [];
        let bytes = 0;
        for await (const chunk of body) {
          bytes += chunk.length;
          // Do not trust a missing or wrong Content-Length to bound memory.
          assertWithinMaxBytes(key, bytes, opts.maxBytes);
          chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        }
        return Buffer.concat(chunks, bytes);
      } finally {
        body.destroy?.();
      }
    } catch (err) {
      if (isMissingObject(err)) throw notFound(key);
      throw upstream(err, "read a file", key);
    }
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    assertValidObjectKey(key);
    parseContentType(contentType);
    try {
      await this.#client.send(
        new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: data, ContentType: contentType }),
      );
    } catch (err) {
      throw upstream(err, "store a file", key);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidObjectKey(key);
    try {
      const out = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      const bytes = out.ContentLength ?? 0;
      return out.ContentType === undefined ? { bytes } : { bytes, contentType: out.ContentType };
    } catch (err) {
      if (isMissingObject(err)) return null;
      throw upstream(err, "look up a file", key);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (err) {
      if (isMissingObject(err)) return;
      throw upstream(err, "delete a file", key);
    }
  }

  /** Closes the SDK's connection pools. */
  close(): void {
    this.#client.destroy();
    if (this.#presignClient !== this.#client) this.#presignClient.destroy();
  }
}

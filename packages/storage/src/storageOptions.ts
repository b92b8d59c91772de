import { AppError } from "@atelier/shared";
import { z } from "zod";
import type { DownloadUrlOptions, UploadUrlOptions } from "./ObjectStorage.ts";

/** S3's limits: presigned URLs live at most 7 days; one PUT carries at most 5 GiB. */
export const MAX_URL_LIFETIME_SEC = 7 * 24 * 3600;
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

const TOKEN = "[a-z0-9][a-z0-9!#$&^_.+-]*";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=[a-z0-9_.+-]+)*$`, "i");

export const contentTypeSchema = z.string().max(200).regex(MEDIA_TYPE, "must be a media type like image/png");
const expiresInSecSchema = z.number().int().min(1).max(MAX_URL_LIFETIME_SEC);

const uploadUrlOptionsSchema = z.object({
  contentType: contentTypeSchema,
  contentLength: z.number().int().min(0).max(MAX_SINGLE_PUT_BYTES),
  expiresInSec: expiresInSecSchema,
});

const downloadUrlOptionsSchema = z.object({
  expiresInSec: expiresInSecSchema,
  filename: z.string().min(1).max(255).optional(),
  contentType: contentTypeSchema.optional(),
});

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError("VALIDATION_ERROR", `Invalid ${what}: ${z.prettifyError(result.error)}`, {
    issues: result.error.issues,
  });
}

export const parseUploadUrlOptions = (opts: UploadUrlOptions): UploadUrlOptions =>
  parseOrThrow(uploadUrlOptionsSchema, opts, "upload URL options");

export const parseDownloadUrlOptions = (opts: DownloadUrlOptions): DownloadUrlOptions =>
  parseOrThrow(downloadUrlOptionsSchema, opts, "download URL options");

export const parseContentType = (contentType: string): string =>
  parseOrThrow(contentTypeSchema, contentType, "content type");

/** Media types compare case-insensitively and ignoring spaces around parameters. */
export function sameContentType(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .trim()
      .toLowerCase()
      .replace(/\s*;\s*/g, ";");
  return norm(a) === norm(b);
}

export function assertWithinMaxBytes(key: string, bytes: number, maxBytes: number | undefined): void {
  if (maxBytes !== undefined && bytes > maxBytes) {
    throw new AppError(
      "FILE_TOO_LARGE",
      `The file is ${bytes} bytes; at most ${maxBytes} bytes are allowed.`,
      {
        key,
        bytes,
        maxBytes,
      },
    );
  }
}

export const notFound = (key: string) =>
  new AppError("NOT_FOUND", "That file does not exist (it may have been deleted).", { key });

import { z } from "zod";

const httpUrl = z.url({ protocol: /^https?$/ });

export const localStorageConfigSchema = z.object({
  kind: z.literal("local"),
  /** Data folder; objects live under `<dir>/objects`, in-flight uploads under `<dir>/tmp`. */
  dir: z.string().min(1),
  /** Origin (and optional path prefix) browsers reach the server at; URLs are `<publicBaseUrl>/storage/<key>`. */
  publicBaseUrl: httpUrl.transform((url) => url.replace(/\/+$/, "")),
  /** HMAC-SHA256 key for signed URLs; changing it invalidates every URL handed out. */
  secret: z.string().min(32, "Use at least 32 characters of random secret for signing storage URLs."),
});

export const s3StorageConfigSchema = z.object({
  kind: z.literal("s3"),
  bucket: z.string().min(1),
  region: z.string().min(1),
  /** Custom endpoint for MinIO, R2 or another S3-compatible store; default: AWS. */
  endpoint: httpUrl.optional(),
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`; default false (MinIO needs true). */
  forcePathStyle: z.boolean().optional(),
  /** Both or neither; without them the SDK's default credential chain applies. */
  accessKeyId: z.string().min(1).optional(),
  secretAccessKey: z.string().min(1).optional(),
  /** Endpoint browsers reach when it differs from the one the server uses; default: `endpoint`. */
  publicEndpoint: httpUrl.optional(),
});

export const storageConfigSchema = z
  .discriminatedUnion("kind", [localStorageConfigSchema, s3StorageConfigSchema])
  .refine((c) => c.kind !== "s3" || (c.accessKeyId === undefined) === (c.secretAccessKey === undefined), {
    message: "Give both accessKeyId and secretAccessKey, or neither.",
    path: ["accessKeyId"],
  });

export type LocalStorageConfig = z.infer<typeof localStorageConfigSchema>;
export type S3StorageConfig = z.infer<typeof s3StorageConfigSchema>;
export type StorageConfig = z.infer<typeof storageConfigSchema>;
/** What callers pass before validation (e.g. `publicBaseUrl` with a trailing slash). */
export type StorageConfigInput = z.input<typeof storageConfigSchema>;

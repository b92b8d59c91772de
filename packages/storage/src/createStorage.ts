import { AppError } from "@atelier/shared";
import { z } from "zod";
import { LocalDiskStorage, type LocalDiskStorageOptions } from "./LocalDiskStorage.ts";
import { S3Storage } from "./S3Storage.ts";
import { type StorageConfigInput, storageConfigSchema } from "./storageConfig.ts";

export type ConfiguredStorage = LocalDiskStorage | S3Storage;

/**
 * Builds the store the configuration names. Narrow on `kind` to reach the local
 * store's request handler: `if (storage.kind === "local") createLocalStorageHandler(storage)`.
 */
export function createStorage(
  config: StorageConfigInput,
  options: LocalDiskStorageOptions = {},
): ConfiguredStorage {
  const parsed = storageConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new AppError("CONFIG_ERROR", `Invalid storage configuration: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues,
    });
  }
  return parsed.data.kind === "local"
    ? new LocalDiskStorage(parsed.data, options)
    : new S3Storage(parsed.data);
}

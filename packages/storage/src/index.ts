export type {
  DownloadUrlOptions,
  ObjectInfo,
  ObjectStorage,
  UploadTarget,
  UploadUrlOptions,
} from "./ObjectStorage.ts";
export { createStorage } from "./createStorage.ts";
export type { ConfiguredStorage } from "./createStorage.ts";
export {
  localStorageConfigSchema,
  s3StorageConfigSchema,
  storageConfigSchema,
} from "./storageConfig.ts";
export type {
  LocalStorageConfig,
  S3StorageConfig,
  StorageConfig,
  StorageConfigInput,
} from "./storageConfig.ts";
export { LocalDiskStorage } from "./LocalDiskStorage.ts";
export type { LocalDiskStorageOptions } from "./LocalDiskStorage.ts";
export { S3Storage } from "./S3Storage.ts";
export { createLocalStorageHandler } from "./createLocalStorageHandler.ts";
export type { LocalStorageHandlerOptions, StorageRequestHandler } from "./createLocalStorageHandler.ts";
export { assertValidObjectKey } from "./objectKey.ts";
export { MAX_SINGLE_PUT_BYTES, MAX_URL_LIFETIME_SEC } from "./storageOptions.ts";
export { getVerified } from "./getVerified.ts";

/** What both entry points (Node and browsers) export besides `createAtelier`. */
export type { AppRouter } from "@atelier/server/router";
export type {
  AssetView,
  ErrorCode,
  Failure,
  JobEvent,
  JobOutputView,
  JobStatus,
  JobStepView,
  JobView,
  ProjectEvent,
} from "@atelier/shared";
export type {
  Atelier,
  AtelierClient,
  AtelierHelpers,
  AtelierOptions,
  DownloadOptions,
  UploadOptions,
} from "./client.ts";
export { AtelierError, isNetworkFailure, toAtelierError } from "./errors.ts";
export type { UploadSource } from "./platform.ts";
export type { AssetRef, RunHandle, RunOptions } from "./run.ts";

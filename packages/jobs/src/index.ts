export { JobLifecycle, claimDecision } from "./lifecycle/jobLifecycle.ts";
export type { JobLifecycleOptions } from "./lifecycle/jobLifecycle.ts";
export { DEFAULT_MAX_ATTEMPTS, prepareSubmission } from "./lifecycle/submission.ts";
export type { SubmitJobInput } from "./lifecycle/submission.ts";
export { startJobEngine } from "./jobEngine.ts";
export type { JobEngine } from "./jobEngine.ts";
export { startOutboxRelay } from "./relay/outboxRelay.ts";
export type { JobPublisher, OutboxRelay } from "./relay/outboxRelay.ts";
export { startStaleSweeper } from "./relay/staleSweeper.ts";
export type { StaleSweeper } from "./relay/staleSweeper.ts";
export { busMessageOf, JOB_PUBLISH_TOPIC } from "./jobRow.ts";
export type { JobOutputRow, JobRow } from "./jobRow.ts";
export { loadJobView, OUTPUT_URL_TTL_SEC, queuedJobView, toJobViews, toOutputView } from "./jobView.ts";
export { startWorker } from "./worker/startWorker.ts";
export type { Worker, WorkerOptions, WorkerStatus } from "./worker/startWorker.ts";
export { Capacity } from "./worker/capacity.ts";
export type { CapacityOptions, Reservation } from "./worker/capacity.ts";
export { NVIDIA_SMI_ARGS, parseNvidiaSmi, probeNvidiaSmi } from "./worker/nvidiaSmi.ts";
export type { GpuMemory } from "./worker/nvidiaSmi.ts";
export { outputPrefix } from "./worker/storeOutputs.ts";
export { backoffDelayMs, DEFAULT_LEASE_MS, jobTiming, leaseMsSetting } from "./timing.ts";
export type { JobTiming } from "./timing.ts";
export { orgPipelineSettings } from "./orgPipelineSettings.ts";
export {
  moderateImage,
  moderationThresholdPercent,
  moderationViewOf,
} from "./moderation/moderateImage.ts";
export type { ModerationResult } from "./moderation/moderateImage.ts";
export { assetAnalysis, storedAnalysis } from "./assetAnalysis.ts";
export type { AssetAnalysisContext } from "./assetAnalysis.ts";
export {
  appendEntry,
  type Balance,
  balanceOf,
  type BillingMode,
  type LedgerEntryInput,
  type Reconciled,
  reconcileReservations,
} from "./billing/creditLedger.ts";
export { BalanceNotifier } from "./billing/balanceNotifier.ts";
export { insufficientCredits } from "./lifecycle/jobLifecycle.ts";
export { priceSubmission } from "./lifecycle/submission.ts";
export {
  activeSecrets,
  checkWebhookUrl,
  DEFAULT_WEBHOOK_RETRY_WINDOW_MS,
  DEFAULT_WEBHOOK_SETTINGS,
  enqueueWebhookEvent,
  generateWebhookSecret,
  isPrivateAddress,
  jobEventData,
  jobWebhookSecrets,
  rotateSecret,
  signedHeaders,
  startWebhookDispatcher,
  webhookRetryDelayMs,
} from "./webhooks/index.ts";
export type {
  AddressPolicy,
  SigningSecrets,
  WebhookDispatcher,
  WebhookEvent,
  WebhookSettings,
} from "./webhooks/index.ts";
export { type FleetSettings, joinFleet, storageIdentity } from "./fleet/fleetAgreement.ts";

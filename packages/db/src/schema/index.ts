export {
  apiKeys,
  memberships,
  organizations,
  roleEnum,
  sessions,
  users,
} from "./accounts.ts";
export type { Role } from "./accounts.ts";
export {
  assetAnalyses,
  assetDocuments,
  assetFormats,
  assetOperations,
  assets,
  assetStatusEnum,
  moderationDecisions,
  orgRules,
  projects,
  reviewStatusEnum,
  textStyleSets,
} from "./projects.ts";
export type { AssetStatus } from "./projects.ts";
export { jobAttempts, jobOutputs, jobs, jobStatusEnum, jobSteps, outbox, priorityEnum } from "./jobs.ts";
export type { JobStatus } from "./jobs.ts";
export {
  creditLedger,
  creditPacks,
  type LedgerKind,
  ledgerKindEnum,
  plans,
  processedEvents,
  subscriptions,
} from "./billing.ts";
export { jobWebhookSecrets, webhookAttempts, webhookDeliveries, webhookEndpoints } from "./webhooks.ts";

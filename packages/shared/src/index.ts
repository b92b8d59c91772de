export { AppError, ErrorCode, httpStatusOf, isAppError, isInputErrorCode, toAppError } from "./AppError.ts";
export type { ErrorDetails } from "./AppError.ts";
export { createLogger } from "./logger.ts";
export type { Logger } from "./logger.ts";
export {
  addMemberInput,
  apiKeyScopeSchema,
  assetInput,
  createApiKeyInput,
  createOrgInput,
  createProjectInput,
  createUploadInput,
  assetViewSchema,
  email,
  isWithheld,
  memberViewSchema,
  moderationScoresSchema,
  moderationViewSchema,
  orgInput,
  password,
  myEventsInput,
  projectEventsInput,
  projectInput,
  removeMemberInput,
  reviewDecisionSchema,
  reviewStatusSchema,
  revokeApiKeyInput,
  roleSchema,
  setRoleInput,
  signInInput,
  signUpInput,
  uploadContentTypes,
  createUploadOutput,
  orgViewSchema,
  projectViewSchema,
  uploadTargetSchema,
} from "./api.ts";
export type {
  AssetView,
  MemberView,
  ModerationScores,
  ModerationView,
  OrgView,
  ProjectView,
  ReviewDecision,
  ReviewStatus,
  Role,
  UserView,
} from "./api.ts";
export { failureSchema } from "./failure.ts";
export type { Failure } from "./failure.ts";
export {
  createJobInput,
  deadLetterInput,
  JOB_STATUSES,
  DELETE_UNDO_MS,
  jobInput,
  outputIdInput,
  jobOutputViewSchema,
  isEndedJobStatus,
  jobStatusSchema,
  jobStepViewSchema,
  jobViewSchema,
  listJobsInput,
  PRIORITY_CLASSES,
  pipelineSpecInput,
  priorityClassSchema,
} from "./jobs.ts";
export type {
  JobOutputView,
  JobStatus,
  JobStepView,
  JobView,
  PipelineSpecInput,
  PriorityClass,
} from "./jobs.ts";
export { applyEditOp, applyEditOps, invertEditOps } from "./editing/applyEditOps.ts";
export type { EditDocumentJson } from "./editing/applyEditOps.ts";
export { EditSession } from "./editing/EditSession.ts";
export type { PendingEdit } from "./editing/EditSession.ts";
export {
  applyEditInput,
  documentHistoryInput,
  editOpSchema,
  PROTOCOL_VERSION,
  presenceInput,
} from "./editing/editOps.ts";
export type { EditOp } from "./editing/editOps.ts";
export { id } from "./ids.ts";
export { extensionOfMediaType } from "./mediaTypes.ts";
export { commonSourceName, extensionOf, outputFileName, uniqueOutputFileNames } from "./outputNames.ts";
export type { OutputNaming } from "./outputNames.ts";
export {
  jobEventSchema,
  PROJECT_EVENTS_VERSION,
  projectEventSchema,
  storedProjectEventSchema,
  userStreamId,
  orgStreamId,
} from "./events/projectEvents.ts";
export { presenceEventSchema } from "./events/presenceEvents.ts";
export type { PresenceEvent, PresenceEventInput } from "./events/presenceEvents.ts";
export type {
  JobEvent,
  JobEventInput,
  ProjectEvent,
  ProjectEventInput,
  ProjectEventType,
  StoredProjectEvent,
  StoredProjectEventInput,
} from "./events/projectEvents.ts";
export { exportAssetInput, exportFormatSchema, mediaTypeOfFormat } from "./assetExport.ts";
export type { AssetExportView, ExportFormat } from "./assetExport.ts";
export { adjustmentsSchema, isNeutralAdjustments } from "./editing/adjustments.ts";
export type { AdjustmentName, Adjustments, AdjustmentsInput } from "./editing/adjustments.ts";
export {
  changesImage,
  editDocumentSchema,
  MAX_EDIT_DOCUMENT_BYTES,
  overlaySchema,
  relativeCropSchema,
} from "./editing/editDocument.ts";
export type { EditDocument, EditDocumentInput, Overlay, RelativeCrop } from "./editing/editDocument.ts";
export {
  builtInTextStyles,
  defaultFontFamily,
  styleSetNames,
  textStyleSchema,
} from "./editing/textStyles.ts";
export type { StyleSetName, TextStyle, TextStyleInput } from "./editing/textStyles.ts";
export {
  canvasFillSchema,
  cropPriorityKindSchema,
  defaultOrgRules,
  orgRulesOrDefaults,
  orgRulesSchema,
} from "./orgRules.ts";
export type { CanvasFillKind, CropPriorityKind, OrgRules } from "./orgRules.ts";
export { boxesOfKind, planCrop, unionOf } from "./editing/cropPlan.ts";
export type { Box, CropAnalysis, CropPlan, PriorityKind, Rect } from "./editing/cropPlan.ts";
export {
  analysisOfEdited,
  formatCropOnOriginal,
  formatRegion,
  overrideInEdited,
} from "./editing/formatCrop.ts";
export type { FormatRegionInput } from "./editing/formatCrop.ts";
export {
  checkoutInput,
  grantInput,
  isoDaySchema,
  ledgerPageInput,
  packUpdateInput,
  planIdSchema,
  planUpdateInput,
  setPlanInput,
  usageInput,
  usageRange,
} from "./billing.ts";
export type { LedgerEntryView, PackView, PlanView, UsageRow } from "./billing.ts";
export {
  apiKeyScopes,
  createOrgApiKeyInput,
  createWebhookInput,
  JOB_WEBHOOK_EVENT_TYPES,
  orgApiKeyInput,
  rotateWebhookSecretInput,
  updateWebhookInput,
  WEBHOOK_EVENT_TYPES,
  webhookDeliveriesInput,
  webhookDeliveryInput,
  webhookEndpointInput,
  webhookEventTypeSchema,
  webhookUrlSchema,
} from "./integrations.ts";
export type {
  OrgApiKeyView,
  WebhookAttemptView,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookEventType,
} from "./integrations.ts";

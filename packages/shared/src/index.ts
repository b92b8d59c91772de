export { AppError, ErrorCode, httpStatusOf, isAppError, toAppError } from "./AppError.ts";
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
  email,
  id,
  orgInput,
  password,
  projectEventsInput,
  projectInput,
  removeMemberInput,
  revokeApiKeyInput,
  roleSchema,
  setRoleInput,
  signInInput,
  signUpInput,
  uploadContentTypes,
} from "./api.ts";
export type { AssetView, MemberView, OrgView, ProjectEvent, ProjectView, Role, UserView } from "./api.ts";
export {
  createJobInput,
  deadLetterInput,
  jobInput,
  listJobsInput,
  pipelineSpecInput,
  priorityClassSchema,
} from "./jobs.ts";
export type {
  JobEvent,
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
export { extensionOfMediaType } from "./mediaTypes.ts";

export { checkWebhookUrl, isPrivateAddress } from "./addressPolicy.ts";
export type { AddressPolicy } from "./addressPolicy.ts";
export {
  DEFAULT_WEBHOOK_SETTINGS,
  startWebhookDispatcher,
  webhookRetryDelayMs,
} from "./dispatcher.ts";
export type { WebhookDispatcher, WebhookSettings } from "./dispatcher.ts";
export { DEFAULT_WEBHOOK_RETRY_WINDOW_MS, enqueueWebhookEvent } from "./enqueue.ts";
export type { WebhookEvent } from "./enqueue.ts";
export { jobWebhookSecrets, rotateSecret } from "./secrets.ts";
export { activeSecrets, generateWebhookSecret, signedHeaders } from "./signing.ts";
export type { SigningSecrets } from "./signing.ts";
export { jobEventData } from "./payloads.ts";

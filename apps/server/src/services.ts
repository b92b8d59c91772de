import type { IncomingMessage } from "node:http";
import type { JobBus } from "@atelier/bus";
import type { Database } from "@atelier/db";
import type { PipelineEnv, StepCatalogue } from "@atelier/pipeline";
import type { JobLifecycle, WebhookDispatcher } from "@atelier/jobs";
import type { Logger } from "@atelier/shared";
import type { AccessControl } from "./auth/accessControl.ts";
import type { Config } from "./env.ts";
import type { Limits, RateLimit, SignInThrottle } from "./limits/index.ts";
import type { LiveFanout } from "./live/LiveFanout.ts";
import type { RenditionCache } from "./render/RenditionCache.ts";
import type { PresenceThrottle } from "./routers/presenceThrottle.ts";
import type { ObjectStorage } from "@atelier/storage";
import type Stripe from "stripe";

/** What procedures and HTTP handlers may use; built once per process by createApp, or by a test. */
export interface Services {
  config: Config;
  db: Database;
  storage: ObjectStorage;
  bus: JobBus;
  /** Every change of a job's state (see @atelier/jobs' JobLifecycle). */
  lifecycle: JobLifecycle;
  /** Sends outgoing webhooks; `kick` after committing deliveries outside the lifecycle. */
  webhooks: WebhookDispatcher;
  log: Logger;
  /** Rate limits, shared by every instance when Redis is configured. */
  limits: Limits;
  signInThrottle: SignInThrottle;
  /** Sign-ups per client address. */
  signUpLimit: RateLimit;
  /** Calls per API key and per person (sessions); submissions and uploads per organization. */
  rates: { apiKeyCalls: RateLimit; userCalls: RateLimit; orgSubmits: RateLimit; orgUploads: RateLimit };
  /** The client's address, from the socket or from trusted proxies (ATELIER_TRUST_PROXY). */
  clientAddress(req: IncomingMessage): string;
  /** Who may call, kept current on every instance: principals per credential, live subscriptions watched. */
  access: AccessControl;
  /** What steps run with in this installation: limits, providers, models, tokens. */
  pipelineEnv: PipelineEnv;
  /** Presence per person and project, throttled without losing the last move. */
  presence: PresenceThrottle;
  /** Writes live events and presence into subscribers' sockets (see live/LiveFanout.ts). */
  live: LiveFanout;
  /** documents.render's bounded pool and cache of renditions. */
  renditions: RenditionCache;
  /** Steps jobs may name in this installation. */
  catalogue: StepCatalogue;
  /** Stripe's SDK (Checkout, portal), null without STRIPE_SECRET_KEY. */
  stripe: Stripe | null;
}

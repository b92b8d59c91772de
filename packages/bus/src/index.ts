export { createBus } from "./createBus.ts";
export type { CreateBusOptions } from "./createBus.ts";
export { RedisStreamsBus } from "./redis/RedisStreamsBus.ts";
export type { RedisStreamsBusOptions } from "./redis/RedisStreamsBus.ts";
export { InProcessBus } from "./memory/InProcessBus.ts";
export type { InProcessBusOptions } from "./memory/InProcessBus.ts";
export { DEFAULT_TUNING } from "./JobBus.ts";
export type {
  BusStats,
  BusTuning,
  ClaimOptions,
  DeadLetter,
  Delivery,
  JobBus,
  ProjectEventEntry,
  PublishResult,
  RequeueOptions,
  RetryOptions,
  StreamStats,
  Unsubscribe,
} from "./JobBus.ts";
export {
  accessChangeSchema,
  attemptErrorSchema,
  busMessageSchema,
  controlSignalSchema,
  controlMessageSchema,
  nodeHeartbeatSchema,
} from "./message.ts";
export type {
  AccessChange,
  AttemptError,
  BusMessage,
  ControlMessage,
  ControlSignal,
  NodeHeartbeat,
  NodeInfo,
} from "./message.ts";
export { MAX_VRAM_MB, tierForVramMb, tiersFitting, VRAM_TIERS_GIB } from "./tiers.ts";
export type { VramTier } from "./tiers.ts";
export { busKeys, CONSUMER_GROUP } from "./keys.ts";
export type { BusKeys, JobStream } from "./keys.ts";
export { classOrderForRound } from "./claimOrder.ts";
export { compareStreamIds } from "./streamId.ts";

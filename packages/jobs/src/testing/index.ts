export {
  createTestBus,
  createTestStorage,
  deleteBusKeys,
  jobEvents,
  jobRow,
  randomBusPrefix,
  seedProject,
  TEST_PUBLIC_URL,
  TEST_REDIS_URL,
  TEST_SECRET,
  testEnv,
  testLog,
  waitFor,
  waitForStatus,
} from "./jobsHarness.ts";
export type { Seeded } from "./jobsHarness.ts";
export { createJobsEnv, testTiming } from "./jobsEnv.ts";
export type { JobsEnv } from "./jobsEnv.ts";
export { type LedgerSummary, ledgerSummary } from "./ledgerSummary.ts";

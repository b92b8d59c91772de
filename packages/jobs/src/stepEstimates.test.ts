import { createBus, type JobBus } from "@atelier/bus";
import { and, type DatabaseHandle, eq, schema } from "@atelier/db";
import { createTestDatabase } from "@atelier/db/testing";
import type { ObjectStorage } from "@atelier/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobLifecycle } from "./lifecycle/jobLifecycle.ts";
import {
  createTestStorage,
  randomBusPrefix,
  type Seeded,
  seedProject,
  testLog,
} from "./testing/jobsHarness.ts";
import { testTiming } from "./testing/jobsEnv.ts";

let handle: DatabaseHandle;
let bus: JobBus;
let storage: ObjectStorage;
let closeStorage: () => Promise<void>;
let seeded: Seeded;

beforeAll(async () => {
  handle = await createTestDatabase("postgres");
  bus = createBus({ prefix: randomBusPrefix(), logger: testLog });
  ({ storage, close: closeStorage } = await createTestStorage());
  seeded = await seedProject(handle.db, storage);
});
afterAll(async () => {
  await bus?.close();
  await handle?.close();
  await closeStorage?.();
});

const lifecycle = () => new JobLifecycle({ db: handle.db, bus, storage, log: testLog, timing: testTiming() });
const submit = (life: JobLifecycle) =>
  life.submit({
    orgId: seeded.orgId,
    projectId: seeded.projectId,
    createdBy: seeded.userId,
    assetIds: [seeded.assetId],
    spec: { steps: [{ step: "normalize" }, { step: "remove-background" }] },
    priority: "standard",
  });

describe("what a job's steps are expected to take", () => {
  it("starts from the steps' own estimates, then learns from the durations nodes recorded", async () => {
    const first = await submit(lifecycle());
    // normalize says 150 ms a picture, remove-background 4 s: the cut-out is most of the job.
    expect(first.view.steps.map((s) => s.expectedMs)).toEqual([150, 4000]);

    // Three earlier runs on this installation: normalize took 0.3 s, remove-background 9 s.
    const learner = lifecycle();
    for (let i = 0; i < 3; i++) {
      const { job } = await submit(learner);
      const start = Date.now() - 60_000;
      for (const [index, ms] of [300, 9000].entries()) {
        await handle.db
          .update(schema.jobSteps)
          .set({ status: "succeeded", startedAt: new Date(start), finishedAt: new Date(start + ms) })
          .where(and(eq(schema.jobSteps.jobId, job.id), eq(schema.jobSteps.index, index)));
      }
    }
    const later = await submit(lifecycle());
    expect(later.view.steps.map((s) => s.expectedMs)).toEqual([300, 9000]);
    const [stored] = await handle.db
      .select({ expectedMs: schema.jobSteps.expectedMs })
      .from(schema.jobSteps)
      .where(eq(schema.jobSteps.jobId, later.job.id));
    expect(stored?.expectedMs).toBe(300);
  });
});

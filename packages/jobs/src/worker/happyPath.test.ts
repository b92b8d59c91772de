import { createBus, type JobBus } from "@atelier/bus";
import { createTestDatabase } from "@atelier/db/testing";
import { type Database, type DatabaseHandle, eq, schema } from "@atelier/db";
import type { ObjectStorage } from "@atelier/storage";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobEngine, startJobEngine } from "../jobEngine.ts";
import type { SubmitJobInput } from "../lifecycle/submission.ts";
import { jobTiming } from "../timing.ts";
import {
  createTestBus,
  createTestStorage,
  deleteBusKeys,
  jobEvents,
  randomBusPrefix,
  type Seeded,
  seedProject,
  testEnv,
  testLog,
  waitForStatus,
} from "../testing/jobsHarness.ts";
import { startWorker, type Worker } from "./startWorker.ts";

const flavours = [
  { name: "Redis + Postgres", redis: true, database: "postgres" as const },
  { name: "embedded (in-process bus + PGlite)", redis: false, database: "pglite" as const },
];

describe.each(flavours)("a resize job runs end to end ($name)", (flavour) => {
  const prefix = randomBusPrefix();
  let handle: DatabaseHandle;
  let db: Database;
  let bus: JobBus;
  let storage: ObjectStorage;
  let closeStorage: () => Promise<void>;
  let engine: JobEngine;
  const timing = jobTiming({ heartbeatMs: 500, claimBlockMs: 200, outboxIntervalMs: 500 });
  const submitJob = async (input: SubmitJobInput) => (await engine.lifecycle.submit(input)).job;
  let worker: Worker;
  let seeded: Seeded;

  beforeAll(async () => {
    handle = await createTestDatabase(flavour.database);
    db = handle.db;
    bus = flavour.redis ? createTestBus(prefix) : createBus({ prefix, logger: testLog });
    ({ storage, close: closeStorage } = await createTestStorage());
    seeded = await seedProject(db, storage);
    engine = startJobEngine({ db, bus, storage, log: testLog, timing });
    worker = await startWorker({
      nodeId: `node-happy-${flavour.database}`,
      db,
      bus,
      storage,
      pipelineEnv: testEnv,
      vramBudgetMb: 0,
      log: testLog,
      timing,
    });
  });

  afterAll(async () => {
    await worker?.stop({ drainTimeoutMs: 1000 });
    await engine?.stop();
    await bus?.close();
    await handle?.close();
    await closeStorage?.();
    if (flavour.redis) await deleteBusKeys(prefix);
  });

  it("stores a 200 px wide PNG, records it once and streams the job's events in order", async () => {
    const job = await submitJob({
      orgId: seeded.orgId,
      projectId: seeded.projectId,
      createdBy: seeded.userId,
      assetIds: [seeded.assetId],
      spec: { steps: [{ step: "resize", params: { width: 200 } }] },
      priority: "interactive",
    });
    expect(job.status).toBe("queued");
    const done = await waitForStatus(db, job.id, "succeeded", 20_000);
    expect(done.nodeId).toBe(`node-happy-${flavour.database}`);
    expect(done.progress).toBe(1);

    const outputs = await db.select().from(schema.jobOutputs).where(eq(schema.jobOutputs.jobId, job.id));
    expect(outputs).toHaveLength(1);
    const output = outputs[0]!;
    expect(output.storageKey).toBe(`orgs/${seeded.orgId}/jobs/${job.id}/attempt-1/chelsea.resize.png`);
    const stored = await storage.get(output.storageKey);
    const meta = await sharp(stored).metadata();
    expect(meta.format).toBe("png");
    expect(meta.width).toBe(200);
    expect(output.bytes).toBe(stored.length);

    const steps = await db.select().from(schema.jobSteps).where(eq(schema.jobSteps.jobId, job.id));
    expect(steps.map((s) => s.status)).toEqual(["succeeded"]);
    const attempts = await db.select().from(schema.jobAttempts).where(eq(schema.jobAttempts.jobId, job.id));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.finishedAt).toBeTruthy();

    const events = await waitForEvents(bus, seeded.projectId, job.id);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("job.queued");
    expect(types[1]).toBe("job.claimed");
    expect(types[2]).toBe("job.step.started");
    expect(types.at(-1)).toBe("job.succeeded");
    expect(types.indexOf("job.step.finished")).toBeGreaterThan(types.lastIndexOf("job.progress"));
    expect(types.indexOf("job.preview")).toBeGreaterThan(types.indexOf("job.step.started"));
    expect(types.indexOf("job.preview")).toBeLessThan(types.indexOf("job.step.finished"));
    const preview = events.find((e) => e.type === "job.preview");
    if (preview?.type !== "job.preview") throw new Error("no preview");
    const previewMeta = await sharp(Buffer.from(preview.webpBase64, "base64")).metadata();
    expect(previewMeta.format).toBe("webp");
    const succeeded = events.at(-1);
    if (succeeded?.type !== "job.succeeded") throw new Error("no success event");
    expect(succeeded.outputs).toHaveLength(1);
    expect(succeeded.outputs[0]?.url).toContain("/storage/");
    expect(succeeded.outputs[0]?.width).toBe(200);

    // The heartbeat lists the node with nothing reserved once the job is done.
    const node = (await bus.listNodes()).find((n) => n.id === `node-happy-${flavour.database}`);
    expect(node?.runningJobs).toEqual([]);
    expect(node?.providers).toEqual(["cpu"]);
  });

  it("refuses a spec the catalogue does not know, writing nothing", async () => {
    await expect(
      submitJob({
        orgId: seeded.orgId,
        projectId: seeded.projectId,
        createdBy: seeded.userId,
        assetIds: [seeded.assetId],
        spec: { steps: [{ step: "resize", params: { width: -3 } }] },
        priority: "standard",
      }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    const jobs = await db.select().from(schema.jobs).where(eq(schema.jobs.projectId, seeded.projectId));
    expect(jobs).toHaveLength(1);
  });

  it("renders with the organization's own formats", async () => {
    await db.insert(schema.assetFormats).values({
      orgId: seeded.orgId,
      slug: "shop-banner",
      label: "Shop banner",
      width: 320,
      height: 100,
    });
    const job = await submitJob({
      orgId: seeded.orgId,
      projectId: seeded.projectId,
      createdBy: seeded.userId,
      assetIds: [seeded.assetId],
      // A given analysis keeps the models out of this test: only the format's lookup is under test.
      spec: {
        steps: [
          {
            step: "repurpose",
            params: {
              formats: ["shop-banner"],
              analysis: { width: 1, height: 1, subject: null, faces: [], texts: [], colours: [] },
            },
          },
        ],
      },
      priority: "interactive",
    });
    await waitForStatus(db, job.id, "succeeded", 20_000);
    const [output] = await db.select().from(schema.jobOutputs).where(eq(schema.jobOutputs.jobId, job.id));
    expect([output?.width, output?.height]).toEqual([320, 100]);
  });
});

async function waitForEvents(bus: JobBus, projectId: string, jobId: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const events = await jobEvents(bus, projectId, jobId);
    if (events.some((e) => e.type === "job.succeeded") || Date.now() > deadline) return events;
    await new Promise((r) => setTimeout(r, 50));
  }
}

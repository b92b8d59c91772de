import { eq, schema } from "@atelier/db";
import type { JobEvent, ProjectEvent } from "@atelier/shared";
import { TRPCClientError } from "@trpc/client";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

async function until<T>(read: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

// The embedded pair (PGlite, in-process bus) and the scaled-out pair (Postgres, Redis).
describe.each([
  ["in-process", "pglite"],
  ["redis", "postgres"],
] as const)("jobs through the embedded worker, %s bus on %s", (bus, database) => {
  let app: TestApp;
  let client: TestClient;
  let projectId: string;
  let assetId: string;
  const events: ProjectEvent[] = [];

  beforeAll(async () => {
    app = await startTestApp({ bus, database, env: { ATELIER_EMBEDDED_WORKER: "true" } });
    client = app.client();
    ({
      project: { id: projectId },
    } = await signUpWithProject(client, "Runner"));
    ({ id: assetId } = await upload(client, projectId, "chelsea.png", fixture("chelsea.png")));
    client.trpc.projects.events.subscribe(
      { projectId },
      { onData: (e) => events.push((e as { data: ProjectEvent }).data) },
    );
    await until(() => events.some((e) => e.type === "stream.ready"));
  });
  afterAll(async () => {
    client.closeWs();
    await app.close();
  });

  const jobEvents = (jobId: string) => events.filter((e): e is JobEvent => "jobId" in e && e.jobId === jobId);

  it("runs a spec, streams its progress and a preview, and stores the outputs", async () => {
    const job = await client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      spec: {
        steps: [
          { step: "resize", params: { width: 200 } },
          { step: "convert", params: { format: "webp" } },
        ],
      },
    });
    expect(job).toMatchObject({ status: "queued", steps: [{ step: "resize" }, { step: "convert" }] });
    const done = await until(() => jobEvents(job.id).find((e) => e.type === "job.succeeded"));
    const types = jobEvents(job.id).map((e) => e.type);
    expect(types[0]).toBe("job.queued");
    expect(types).toContain("job.claimed");
    expect(types.indexOf("job.step.started")).toBeLessThan(types.indexOf("job.step.finished"));
    expect(types).toContain("job.preview");
    const preview = jobEvents(job.id).find((e) => e.type === "job.preview")!;
    expect(Buffer.from((preview as { webpBase64: string }).webpBase64, "base64").length).toBeLessThanOrEqual(
      64 * 1024,
    );

    const stored = await client.trpc.jobs.get.query({ jobId: job.id });
    expect(stored).toMatchObject({ status: "succeeded", progress: 1 });
    expect(stored.outputs).toHaveLength(1);
    expect(done.type === "job.succeeded" && done.outputs).toHaveLength(1);
    const bytes = Buffer.from(await (await fetch(stored.outputs[0]!.url!)).arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "webp", width: 200 });
  });

  it("cancels a running job within a second, and retries it on request", async () => {
    const job = await client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      spec: { steps: [{ step: "diagnostic", params: { ms: 20_000, ticks: 200 } }] },
    });
    await until(() => jobEvents(job.id).find((e) => e.type === "job.progress"));
    const asked = Date.now();
    const cancelled = await client.trpc.jobs.cancel.mutate({ jobId: job.id });
    expect(cancelled.status).toBe("cancelled");
    let freed = false;
    while (Date.now() - asked < 1500 && !freed) {
      freed = !app.workerStatus()!.runningJobs.includes(job.id);
      if (!freed) await new Promise((r) => setTimeout(r, 50));
    }
    expect(freed).toBe(true);
    const again = await client.trpc.jobs.cancel.mutate({ jobId: job.id }).catch((e) => e);
    expect(again).toBeInstanceOf(TRPCClientError);
    expect(again.data.appCode).toBe("CONFLICT");

    const retried = await client.trpc.jobs.retry.mutate({ jobId: job.id });
    expect(retried).toMatchObject({ status: "queued", attempt: 2 });
    await client.trpc.jobs.cancel.mutate({ jobId: job.id });
  });

  it("refuses a spec with an unknown step or bad params, and assets of another project", async () => {
    const unknown = await client.trpc.jobs.create
      .mutate({ projectId, assetIds: [assetId], spec: { steps: [{ step: "teleport", params: {} }] } })
      .catch((e) => e);
    expect(unknown.data.appCode).toBe("VALIDATION_ERROR");
    const badParams = await client.trpc.jobs.create
      .mutate({
        projectId,
        assetIds: [assetId],
        spec: { steps: [{ step: "resize", params: { width: -3 } }] },
      })
      .catch((e) => e);
    expect(badParams.data.appCode).toBe("VALIDATION_ERROR");
    const other = await signUpWithProject(client, "Other");
    const foreign = await client.trpc.jobs.create
      .mutate({ projectId: other.project.id, assetIds: [assetId], preset: "remove-background", params: {} })
      .catch((e) => e);
    expect(foreign.data.appCode).toBe("NOT_FOUND");
  });
});

describe("the bounds of a job", () => {
  let app: TestApp;
  let client: TestClient;
  let projectId: string;
  let assetId: string;
  const codeOf = (call: Promise<unknown>) =>
    call.then(
      () => "OK",
      (err: unknown) => (err instanceof TRPCClientError ? String(err.data?.appCode) : String(err)),
    );

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        ATELIER_EMBEDDED_WORKER: "false",
        MAX_INPUT_PIXELS: "40000000",
        MAX_JOB_OUTPUT_MEGAPIXELS: "25",
      },
    });
    client = app.client();
    ({
      project: { id: projectId },
    } = await signUpWithProject(client, "Bounded"));
    ({ id: assetId } = await upload(client, projectId, "coffee.png", fixture("coffee.png")));
  });
  afterAll(() => app.close());

  const create = (steps: Array<{ step: string; params?: Record<string, unknown> }>, assetIds = [assetId]) =>
    client.trpc.jobs.create.mutate({ projectId, assetIds, spec: { steps } });

  it("refuses parameters past their bounds and work past the job's size", async () => {
    const tenThousandFormats = Array.from({ length: 10_000 }, (_, i) => `f${i}`);
    expect(await codeOf(create([{ step: "repurpose", params: { formats: tenThousandFormats } }]))).toBe(
      "VALIDATION_ERROR",
    );
    expect(
      await codeOf(create([{ step: "resize", params: { width: 16384, height: 16384, fit: "fill" } }])),
    ).toBe("VALIDATION_ERROR");
    expect(await codeOf(create([{ step: "sprite-sheet", params: { maxSize: 16384 } }]))).toBe(
      "VALIDATION_ERROR",
    );
    // 600×400 ×8 is 15 MP: allowed alone; ×8 again is 983 MP in one image.
    expect(await codeOf(create([{ step: "upscale", params: { scale: 8 } }]))).toBe("OK");
    expect(
      await codeOf(
        create([
          { step: "upscale", params: { scale: 8 } },
          { step: "upscale", params: { scale: 8 } },
        ]),
      ),
    ).toBe("VALIDATION_ERROR");
  });

  it("runs an asset named 200 times once", async () => {
    const job = await create([{ step: "convert", params: { format: "webp" } }], Array(200).fill(assetId));
    expect(job.assetIds).toEqual([assetId]);
  });

  it("says how large the job would be and what the limit is", async () => {
    const err = await create(
      [{ step: "upscale", params: { scale: 8 } }, { step: "repurpose" }],
      [assetId],
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<never>).message).toMatch(
      /about 27\.8 MP; one job may produce at most 25 MP/,
    );
  });
});

describe.each(["pglite", "postgres"] as const)(
  "the cap on an organization's live jobs, on %s",
  (database) => {
    let app: TestApp;
    let client: TestClient;
    let projectId: string;
    let orgId: string;
    let assetId: string;
    const CAP = 3;
    const codeOf = (err: unknown) =>
      err instanceof TRPCClientError ? String(err.data?.appCode) : String(err);

    beforeAll(async () => {
      app = await startTestApp({
        database,
        env: { ATELIER_EMBEDDED_WORKER: "false", ATELIER_ORG_MAX_LIVE_JOBS: String(CAP) },
      });
      client = app.client();
      const setup = await signUpWithProject(client, "Capped");
      projectId = setup.project.id;
      orgId = setup.org.id;
      ({ id: assetId } = await upload(client, projectId, "coffee.png", fixture("coffee.png")));
    });
    afterAll(() => app.close());

    const submit = () =>
      client.trpc.jobs.create.mutate({
        projectId,
        assetIds: [assetId],
        spec: { steps: [{ step: "convert", params: { format: "webp" } }] },
      });

    it("accepts exactly the cap from a burst of 20, and again once one ends", async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          submit().then(
            (j) => j,
            (e) => e,
          ),
        ),
      );
      const accepted = answers.filter((a) => !(a instanceof Error));
      expect(accepted).toHaveLength(CAP);
      const refused = answers.filter((a) => a instanceof Error);
      expect(new Set(refused.map(codeOf))).toEqual(new Set(["RATE_LIMITED"]));
      expect((refused[0] as { data?: { details?: unknown } }).data?.details).toMatchObject({
        maxLiveJobs: CAP,
        retryAfterSec: 5,
      });

      await client.trpc.jobs.cancel.mutate({ jobId: accepted[0]!.id });
      const again = await submit();
      expect(again.status).toBe("queued");
      expect(codeOf(await submit().catch((e) => e))).toBe("RATE_LIMITED");
      // A cancelled job retried is live again: it counts against the cap too.
      expect(codeOf(await client.trpc.jobs.retry.mutate({ jobId: accepted[0]!.id }).catch((e) => e))).toBe(
        "RATE_LIMITED",
      );
      const [org] = await app.services.db
        .select({ liveJobs: schema.organizations.liveJobs })
        .from(schema.organizations)
        .where(eq(schema.organizations.id, orgId));
      expect(org!.liveJobs).toBe(CAP);
    });
  },
);

import { createBus } from "@atelier/bus";
import { createDatabase } from "@atelier/db";
import { jobTiming, startWorker, type Worker } from "@atelier/jobs";
import { testCatalogue } from "@atelier/pipeline/testing";
import { createLogger, type ProjectEvent } from "@atelier/shared";
import { startTracing, type Tracing } from "@atelier/telemetry";
import { InMemorySpanExporter, type ReadableSpan } from "@atelier/telemetry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject, upload } from "./testing/fixtures.ts";
import { startTestApp, type TestApp } from "./testing/testApp.ts";

const until = async <T>(check: () => T | undefined | false, timeoutMs = 60_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("timed out");
};

/**
 * A server and a node as in production (Postgres, Redis, no embedded worker), with spans kept in
 * memory: the node's worker has its own database and bus connections, so the only way its spans
 * can join the request's trace is the trace context carried in the job's bus message.
 */
describe("metrics and traces", () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing | null;
  let app: TestApp;
  let node: { worker: Worker; close(): Promise<void> };

  beforeAll(async () => {
    tracing = await startTracing({ serviceName: "atelier-test", exporter, env: {} });
    app = await startTestApp({
      database: "postgres",
      bus: "redis",
      env: { ATELIER_EMBEDDED_WORKER: "false" },
    });
    const { config } = app.services;
    const log = createLogger("node", "silent");
    const database = await createDatabase({ url: config.databaseUrl!, migrate: "check" });
    const timing = jobTiming({ leaseMs: config.leaseMs });
    const bus = createBus({
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      tuning: { leaseMs: timing.leaseMs },
    });
    const worker = await startWorker({
      nodeId: "traced-node",
      db: database.db,
      bus,
      storage: app.services.storage,
      pipelineEnv: { ...config.pipeline, log },
      vramBudgetMb: 0,
      memoryBudgetMb: 2048,
      timing,
      catalogue: testCatalogue,
      log,
    });
    node = {
      worker,
      close: async () => {
        await worker.stop({ drainTimeoutMs: 1_000 });
        await bus.close();
        await database.close();
      },
    };
  });
  afterAll(async () => {
    await node?.close();
    await app?.close();
    await tracing?.shutdown();
  });

  it("follows one job in one trace from jobs.create to the last step on the node", async () => {
    const client = app.client();
    const { project } = await signUpWithProject(client, "Tracer");
    const asset = await upload(client, project.id, "chelsea.png", fixture("chelsea.png"));
    const events: ProjectEvent[] = [];
    client.trpc.projects.events.subscribe(
      { projectId: project.id },
      { onData: (e) => events.push((e as { data: ProjectEvent }).data) },
    );
    await until(() => events.some((e) => e.type === "stream.ready"));
    const job = await client.trpc.jobs.create.mutate({
      projectId: project.id,
      assetIds: [asset.id],
      spec: {
        steps: [
          { step: "resize", params: { width: 200 } },
          { step: "convert", params: { format: "webp" } },
        ],
      },
    });
    await until(() => events.find((e) => e.type === "job.succeeded" && e.jobId === job.id));
    const spans = await until(() => {
      const all = exporter.getFinishedSpans();
      return all.some((s) => s.name === "step convert" && s.attributes["atelier.step"] === "convert") && all;
    });

    const create = spans.find((s) => s.name === "trpc jobs.create")!;
    expect(create).toBeDefined();
    const traceId = create.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    const run = inTrace.find((s) => s.name === "job.run")!;
    expect(run.attributes).toMatchObject({ "atelier.job_id": job.id, "atelier.node_id": "traced-node" });
    expect(run.parentSpanContext?.spanId).toBe(create.spanContext().spanId);
    const steps = inTrace.filter((s) => s.name.startsWith("step "));
    expect(steps.map((s) => s.name)).toEqual(["step resize", "step convert"]);
    for (const step of steps) expect(step.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    // The last step ends after the request that created the job, in the same trace.
    const end = (s: ReadableSpan) => s.endTime[0] * 1e9 + s.endTime[1];
    expect(end(steps.at(-1)!)).toBeGreaterThan(end(create));
    client.closeWs();
  });

  it("serves /metrics with the request, queue and job figures, and /readyz naming what is down", async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(
      /atelier_trpc_procedure_duration_seconds_count\{procedure="jobs.create",type="mutation",outcome="ok"\} [1-9]/,
    );
    expect(text).toMatch(
      /atelier_http_request_duration_seconds_count\{route="trpc",method="POST",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/atelier_step_duration_seconds_count\{step="resize",provider="cpu"\} [1-9]/);
    expect(text).toMatch(/atelier_job_attempts_total\{outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(/atelier_node_vram_free_mb\{node="traced-node"\} \d/);
    expect(text).toMatch(/atelier_queue_depth\{class="\w+",tier="\d+"\} 0/);
    // Billing is off here: the job was metered, so nothing stays reserved once it ended.
    expect(text).toMatch(/atelier_credits\{state="available"\} -?\d/);
    expect(text).toMatch(/atelier_credits\{state="reserved"\} 0/);
    expect(text).toContain("atelier_event_lag_seconds_count");
    expect(text).toContain("atelier_claim_latency_seconds_count");

    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });
});

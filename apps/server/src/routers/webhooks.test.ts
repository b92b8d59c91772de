import { Webhook } from "standardwebhooks";
import { TRPCClientError } from "@trpc/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";
import {
  eventually,
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../testing/webhookReceiver.ts";

/** The standardwebhooks package's own verifier: throws unless a signature in the header matches. */
function verify(secret: string, hook: ReceivedWebhook): { type: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as {
    type: string;
    data: Record<string, unknown>;
  };
}

async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof TRPCClientError)) throw new Error("expected a refusal");
  return { code: String(err.data?.appCode), message: err.message };
}

describe("outgoing webhooks, to a local receiver (ATELIER_WEBHOOK_ALLOW_PRIVATE=1)", () => {
  let app: TestApp;
  let owner: TestClient;
  let orgId: string;
  let projectId: string;
  let assetId: string;
  let receiver: WebhookReceiver;

  const runJob = async (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
    const job = await owner.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      spec: { steps: [{ step: "diagnostic", params: { ms: 10, ticks: 1, ...params } }] },
      ...extra,
    });
    return job.id;
  };

  beforeAll(async () => {
    app = await startTestApp({
      env: { ATELIER_WEBHOOK_ALLOW_PRIVATE: "1", ATELIER_WEBHOOK_RETRY_BASE_MS: "50" },
    });
    receiver = await startWebhookReceiver();
    owner = app.client();
    const setup = await signUpWithProject(owner, "Owner");
    orgId = setup.org.id;
    projectId = setup.project.id;
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });
  // Each test's endpoints go with it, also when it fails, so the next one hears only its own.
  afterEach(async () => {
    for (const e of await owner.trpc.webhooks.list.query({ orgId }))
      await owner.trpc.webhooks.delete.mutate({ orgId, endpointId: e.id });
  });

  it("signs every delivery so the standardwebhooks verifier accepts it, and logs each with its status and time", async () => {
    const endpoint = await owner.trpc.webhooks.create.mutate({
      orgId,
      url: `${receiver.url}/all`,
      eventTypes: ["job.succeeded", "job.failed", "job.cancelled", "asset.ready"],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    assetId = (await upload(owner, projectId, "coffee.png", fixture("coffee.png"))).id;
    const succeeded = await runJob();
    const failed = await runJob({ failTimes: 1, failWith: "VALIDATION_ERROR" });
    const cancelled = await runJob({ ms: 60_000 });
    await eventually(
      async () => (await owner.trpc.jobs.get.query({ jobId: cancelled })).status === "running",
    );
    await owner.trpc.jobs.cancel.mutate({ jobId: cancelled });

    await eventually(() => receiver.received.length >= 4);
    const byType = new Map(
      receiver.received.map((r) => [verify(endpoint.secret, r).type, verify(endpoint.secret, r)]),
    );
    expect(byType.get("asset.ready")?.data).toMatchObject({
      id: assetId,
      status: "ready",
      mediaType: "image/png",
    });
    expect(byType.get("job.succeeded")?.data).toMatchObject({ id: succeeded, status: "succeeded" });
    expect(byType.get("job.failed")?.data).toMatchObject({
      id: failed,
      status: "failed",
      error: { code: "VALIDATION_ERROR" },
    });
    expect(byType.get("job.cancelled")?.data).toMatchObject({ id: cancelled, status: "cancelled" });
    for (const hook of receiver.received) {
      expect(hook.headers["webhook-id"]).toMatch(/^msg_/);
      expect(() => verify(endpoint.secret, hook)).not.toThrow();
      // Someone else's secret does not verify it.
      expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, hook)).toThrow();
    }

    const log = await eventually(async () => {
      const rows = await owner.trpc.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
      return rows.length === 4 && rows.every((r) => r.status === "succeeded") && rows;
    });
    for (const row of log) {
      expect(row).toMatchObject({ lastStatusCode: 200, attempts: 1 });
      expect(row.log).toEqual([
        expect.objectContaining({ attempt: 1, statusCode: 200, durationMs: expect.any(Number) }),
      ]);
    }
    await owner.trpc.webhooks.delete.mutate({ orgId, endpointId: endpoint.id });
    receiver.received.length = 0;
  });

  it("retries a receiver that answers 500 three times: the event arrives on the fourth try", async () => {
    const endpoint = await owner.trpc.webhooks.create.mutate({
      orgId,
      url: `${receiver.url}/flaky`,
      eventTypes: ["job.succeeded"],
    });
    receiver.answerNext("/flaky", 500, 500, 500);
    const jobId = await runJob();
    const row = await eventually(async () => {
      const [d] = await owner.trpc.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
      return d?.status === "succeeded" && d;
    });
    expect(row.log.map((a) => a.statusCode)).toEqual([500, 500, 500, 200]);
    expect(row.attempts).toBe(4);
    const tries = receiver.ofType("job.succeeded", "/flaky");
    expect(tries).toHaveLength(4);
    // The same message every time: one webhook-id, each try signed afresh and verifiable.
    expect(new Set(tries.map((t) => t.headers["webhook-id"])).size).toBe(1);
    for (const t of tries) expect(verify(endpoint.secret, t).data).toMatchObject({ id: jobId });
    // Backoff: waits of 50, 100 and 200 ms (±20 %) at least, however busy the machine.
    expect(tries.at(-1)!.at - tries[0]!.at).toBeGreaterThanOrEqual(0.8 * (50 + 100 + 200));

    // Replayed from the log: the same message again, as a new delivery.
    const { deliveryId } = await owner.trpc.webhooks.replay.mutate({ orgId, deliveryId: row.id });
    const replayed = await eventually(async () => {
      const rows = await owner.trpc.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
      const r = rows.find((d) => d.id === deliveryId);
      return r?.status === "succeeded" && r;
    });
    expect(replayed.replayOf).toBe(row.id);
    expect(receiver.ofType("job.succeeded", "/flaky").at(-1)!.headers["webhook-id"]).toBe(row.messageId);
    await owner.trpc.webhooks.delete.mutate({ orgId, endpointId: endpoint.id });
    receiver.received.length = 0;
  });

  it("signs with the old and the new secret during a rotation's overlap, with the new one only after", async () => {
    const endpoint = await owner.trpc.webhooks.create.mutate({
      orgId,
      url: `${receiver.url}/rotating`,
      eventTypes: ["job.succeeded"],
    });
    const rotated = await owner.trpc.webhooks.rotateSecret.mutate({
      orgId,
      endpointId: endpoint.id,
      overlapHours: 1,
    });
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.previousSecretUntil!)).toBeGreaterThan(Date.now() + 3_500_000);
    await runJob();
    const during = await eventually(() => receiver.ofType("job.succeeded", "/rotating")[0]);
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(() => verify(endpoint.secret, during)).not.toThrow();
    expect(() => verify(rotated.secret, during)).not.toThrow();

    const again = await owner.trpc.webhooks.rotateSecret.mutate({
      orgId,
      endpointId: endpoint.id,
      overlapHours: 0,
    });
    expect(again.previousSecretUntil).toBeNull();
    await runJob();
    const after = await eventually(() => receiver.ofType("job.succeeded", "/rotating")[1]);
    expect(() => verify(again.secret, after)).not.toThrow();
    expect(() => verify(rotated.secret, after)).toThrow();
    await owner.trpc.webhooks.delete.mutate({ orgId, endpointId: endpoint.id });
    receiver.received.length = 0;
  });

  it("sends a job's own webhook URL its chosen events, signed with the organization's job secret", async () => {
    const { secret } = await owner.trpc.webhooks.secret.query({ orgId });
    const jobId = await runJob({}, { webhook: `${receiver.url}/job`, webhookEvents: ["job.succeeded"] });
    const hook = await eventually(() => receiver.ofType("job.succeeded", "/job")[0]);
    expect(verify(secret, hook).data).toMatchObject({
      id: jobId,
      status: "succeeded",
      outputs: expect.any(Array),
    });
    // Not chosen: a cancelled job with the same filter sends nothing.
    const quiet = await runJob(
      { ms: 60_000 },
      { webhook: `${receiver.url}/job`, webhookEvents: ["job.succeeded"] },
    );
    await owner.trpc.jobs.cancel.mutate({ jobId: quiet });
    const log = await owner.trpc.webhooks.deliveries.query({ orgId });
    expect(log.filter((d) => d.endpointId === null).map((d) => d.eventType)).toEqual(["job.succeeded"]);
  });

  it("does not follow a redirect: a 3xx is a failed try and its target is never asked", async () => {
    const elsewhere = await startWebhookReceiver();
    try {
      const endpoint = await owner.trpc.webhooks.create.mutate({
        orgId,
        url: `${receiver.url}/moved`,
        eventTypes: ["job.succeeded"],
      });
      receiver.answerNext("/moved", { status: 307, location: `${elsewhere.url}/inside` });
      await runJob();
      const row = await eventually(async () => {
        const [d] = await owner.trpc.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
        return d?.status === "succeeded" && d;
      });
      expect(row.log[0]).toMatchObject({
        statusCode: 307,
        error: expect.stringMatching(/redirects are not followed/),
      });
      expect(elsewhere.received).toHaveLength(0);
      await owner.trpc.webhooks.delete.mutate({ orgId, endpointId: endpoint.id });
    } finally {
      await elsewhere.close();
    }
  });
});

describe("webhook targets without ATELIER_WEBHOOK_ALLOW_PRIVATE", () => {
  let app: TestApp;
  let owner: TestClient;
  let orgId: string;
  let projectId: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { ATELIER_WEBHOOK_RETRY_BASE_MS: "50" } });
    owner = app.client();
    const setup = await signUpWithProject(owner, "Owner");
    orgId = setup.org.id;
    projectId = setup.project.id;
  });
  afterAll(() => app?.close());

  it.each([
    "http://127.0.0.1:8080/hook",
    "http://localhost/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://10.1.2.3/hook",
    "http://192.168.1.10/hook",
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
  ])("refuses the endpoint %s with a clear message", async (url) => {
    const refused = await refusal(
      owner.trpc.webhooks.create.mutate({ orgId, url, eventTypes: ["job.succeeded"] }),
    );
    expect(refused.code).toBe("VALIDATION_ERROR");
    expect(refused.message).toMatch(/only sent to public addresses/);
    expect(refused.message).toMatch(/ATELIER_WEBHOOK_ALLOW_PRIVATE/);
  });

  it("refuses a job's private webhook URL before the job is written, and other schemes outright", async () => {
    const asset = await upload(owner, projectId, "coffee.png", fixture("coffee.png"));
    const refused = await refusal(
      owner.trpc.jobs.create.mutate({
        projectId,
        assetIds: [asset.id],
        spec: { steps: [{ step: "diagnostic", params: {} }] },
        webhook: "http://127.0.0.1:9/hook",
      }),
    );
    expect(refused.message).toMatch(/only sent to public addresses/);
    expect(await owner.trpc.jobs.list.query({ projectId })).toEqual([]);
    const ftp = await refusal(
      owner.trpc.webhooks.create.mutate({ orgId, url: "ftp://example.com/x", eventTypes: ["job.failed"] }),
    );
    expect(ftp.code).toBe("VALIDATION_ERROR");
  });

  it("checks the address again at connect time: a delivery to a private address never leaves", async () => {
    const receiver = await startWebhookReceiver();
    try {
      // As if the host had resolved publicly when saved and was re-pointed inside since (DNS rebinding).
      await app.services.db.execute(
        (await import("@atelier/db")).sql`
          insert into webhook_endpoints (org_id, url, event_types, secret)
          values (${orgId}, ${`${receiver.url}/rebound`}, '{asset.ready}', ${`whsec_${Buffer.alloc(32, 1).toString("base64")}`})`,
      );
      await upload(owner, projectId, "coffee.png", fixture("coffee.png"));
      const row = await eventually(async () => {
        const [d] = await owner.trpc.webhooks.deliveries.query({ orgId });
        return d && d.attempts >= 2 && d;
      });
      expect(row.log[0]).toMatchObject({
        statusCode: null,
        error: expect.stringMatching(/only sent to public addresses/),
      });
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });
});

import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp } from "../testing/testApp.ts";

function appDataOf(err: unknown): { appCode?: string; details: { retryAfterSec: number } } {
  return err instanceof TRPCClientError ? err.data : { details: { retryAfterSec: 0 } };
}

describe("rate limits per organization and per caller", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      env: {
        ATELIER_EMBEDDED_WORKER: "false",
        ATELIER_ORG_SUBMITS_PER_MINUTE: "2",
        ATELIER_API_CALLS_PER_MINUTE: "40",
      },
    });
  });
  afterAll(() => app.close());

  it("refuses a third submission in a minute with RATE_LIMITED, saying when to retry, with Retry-After over HTTP", async () => {
    const client = app.client();
    const { project } = await signUpWithProject(client, "Busy");
    const asset = await upload(client, project.id, "coffee.png", fixture("coffee.png"));
    const input = { projectId: project.id, assetIds: [asset.id], spec: { steps: [{ step: "diagnostic" }] } };
    await client.trpc.jobs.create.mutate(input);
    await client.trpc.jobs.create.mutate(input);
    const err = await client.trpc.jobs.create.mutate(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    const data = appDataOf(err);
    expect(data.appCode).toBe("RATE_LIMITED");
    expect(data.details.retryAfterSec).toBeGreaterThan(0);
    expect((err as Error).message).toMatch(/too many jobs this minute\. Try again in/);

    const cookie = [...client.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(`${app.url}/trpc/jobs.create`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify(input),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("limits one person's calls a minute, whatever they call", async () => {
    const client = app.client();
    await signUpWithProject(client, "Chatty");
    const answers = await Promise.allSettled(Array.from({ length: 60 }, () => client.trpc.orgs.list.query()));
    const limited = answers.filter(
      (a) => a.status === "rejected" && appDataOf(a.reason).appCode === "RATE_LIMITED",
    );
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.length - limited.length).toBeLessThanOrEqual(40);
  });
});

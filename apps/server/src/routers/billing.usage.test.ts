import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUp, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

const today = () => new Date().toISOString().slice(0, 10);

describe("billing.usage on Postgres with billing off: jobs are metered by day, preset and member", () => {
  let app: TestApp;
  let owner: TestClient;
  let member: TestClient;
  let orgId: string;
  let projectId: string;
  let assetId: string;
  const spec = { steps: [{ step: "diagnostic", params: { ms: 60_000 } }] };

  beforeAll(async () => {
    // No worker: jobs stay queued holding their reservation, so the usage figures stay put.
    app = await startTestApp({ database: "postgres", env: { ATELIER_EMBEDDED_WORKER: "false" } });
    owner = app.client();
    member = app.client();
    const { org, project } = await signUpWithProject(owner, "Owner");
    orgId = org.id;
    projectId = project.id;
    const colleague = await signUp(member, "Member");
    await owner.trpc.orgs.addMember.mutate({ orgId, email: colleague.email, role: "member" });
    assetId = (await upload(owner, projectId, "coffee.png", fixture("coffee.png"))).id;
  }, 60_000);
  afterAll(() => app?.close());

  it("sums each day's credits by preset and member, and a cancelled job counts for nothing", async () => {
    expect((await owner.trpc.billing.balance.query({ orgId })).enforced).toBe(false);
    const steps = await owner.trpc.jobs.quote.query({ projectId, assetIds: [assetId], spec });
    await owner.trpc.jobs.create.mutate({ projectId, assetIds: [assetId], spec });
    await owner.trpc.jobs.create.mutate({ projectId, assetIds: [assetId], spec });
    const preset = { projectId, assetIds: [assetId], preset: "remove-background", params: {} };
    const presetPrice = (await member.trpc.jobs.quote.query(preset)).credits;
    await member.trpc.jobs.create.mutate(preset);
    const cancelled = await member.trpc.jobs.create.mutate({ projectId, assetIds: [assetId], spec });
    await member.trpc.jobs.cancel.mutate({ jobId: cancelled.id });

    const usage = await member.trpc.billing.usage.query({ orgId, days: 7 });
    const day = today();
    expect(usage.to).toBe(day);
    expect(Date.parse(usage.to) - Date.parse(usage.from)).toBe(6 * 86_400_000);
    expect(usage.rows).toEqual(
      expect.arrayContaining([
        { day, preset: "custom steps", member: "Owner", credits: 2 * steps.credits },
        { day, preset: "remove-background", member: "Member", credits: presetPrice },
      ]),
    );
    // The member's cancelled job was reserved and released: no row of its own.
    expect(usage.rows).toHaveLength(2);
  });

  it("answers an explicit range, empty before any job, and refuses one that ends before it starts", async () => {
    const past = await owner.trpc.billing.usage.query({ orgId, from: "2020-01-01", to: "2020-01-31" });
    expect(past).toEqual({ from: "2020-01-01", to: "2020-01-31", rows: [] });
    const backwards = await owner.trpc.billing.usage
      .query({ orgId, from: "2026-02-01", to: "2026-01-01" })
      .catch((e: unknown) => e);
    expect(backwards).toBeInstanceOf(TRPCClientError);
    expect((backwards as Error).message).toMatch(/starts after it ends/);
  });

  it("shows an organization's usage to its members only", async () => {
    const stranger = app.client();
    await signUp(stranger, "Stranger");
    const refused = await stranger.trpc.billing.usage.query({ orgId }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<never>).data).toMatchObject({ appCode: "NOT_FOUND" });
  });
});

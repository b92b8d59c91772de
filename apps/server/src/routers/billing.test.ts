import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUp, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

async function refusal(promise: Promise<unknown>) {
  const err = await promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  );
  if (!(err instanceof TRPCClientError)) throw err;
  const data = err.data as { appCode: string; details: Record<string, unknown> };
  return { code: data.appCode, message: err.message, details: data.details };
}

describe("credits and plans through the API (ATELIER_BILLING=credits)", () => {
  let app: TestApp;
  let operator: TestClient;
  let orgId: string;
  let projectId: string;
  let assetId: string;
  const spec = { steps: [{ step: "diagnostic", params: { ms: 60_000 } }] };

  beforeAll(async () => {
    app = await startTestApp({ env: { ATELIER_EMBEDDED_WORKER: "false", ATELIER_BILLING: "credits" } });
    operator = app.client();
    const { org, project } = await signUpWithProject(operator, "Operator");
    orgId = org.id;
    projectId = project.id;
    assetId = (await upload(operator, projectId, "coffee.png", fixture("coffee.png"))).id;
  });
  afterAll(() => app.close());

  it("quotes a job before it is submitted, and refuses it without the credits, saying the price and balance", async () => {
    const quote = await operator.trpc.jobs.quote.query({ projectId, assetIds: [assetId], spec });
    expect(quote).toMatchObject({ credits: 1, balance: { credits: 0, reserved: 0 }, enforced: true });
    const refused = await refusal(operator.trpc.jobs.create.mutate({ projectId, assetIds: [assetId], spec }));
    expect(refused.code).toBe("INSUFFICIENT_CREDITS");
    expect(refused.details).toMatchObject({ price: 1, balance: 0 });
    expect(refused.message).toMatch(/costs 1 credits .* 0 available.*Billing page/);
  });

  it("tells the organization's stream its new balance after a grant and a submission", async () => {
    const seen: Array<{ credits: number; reserved: number }> = [];
    const sub = operator.trpc.billing.events.subscribe(
      { orgId },
      { onData: (e) => void seen.push(e.data as unknown as { credits: number; reserved: number }) },
    );
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await operator.trpc.billing.grant.mutate({ orgId, credits: 10, reason: "pilot" });
    await expect.poll(() => seen.at(-1), { timeout: 10_000 }).toMatchObject({ credits: 10, reserved: 0 });
    await operator.trpc.jobs.create.mutate({ projectId, assetIds: [assetId], spec });
    await expect.poll(() => seen.at(-1), { timeout: 10_000 }).toMatchObject({ credits: 9, reserved: 1 });
    sub.unsubscribe();
  });

  it("holds the plan's jobs-at-once and largest image, each with its own code and what to do", async () => {
    const [free] = (await operator.trpc.billing.plans.query()).filter((p) => p.id === "free");
    await operator.trpc.billing.updatePlan.mutate({ ...free!, maxLiveJobs: 2, maxOutputMegapixels: 1 });
    await operator.trpc.jobs.create.mutate({ projectId, assetIds: [assetId], spec });
    const atCap = await refusal(operator.trpc.jobs.create.mutate({ projectId, assetIds: [assetId], spec }));
    expect(atCap.code).toBe("PLAN_CONCURRENCY_LIMIT");
    expect(atCap.message).toMatch(/Free plan runs at most 2 jobs at once.*larger plan/);

    const upscale = { steps: [{ step: "upscale", params: { scale: 4 } }] };
    const tooLarge = await refusal(
      operator.trpc.jobs.quote.query({ projectId, assetIds: [assetId], spec: upscale }),
    );
    expect(tooLarge.code).toBe("PLAN_RESOLUTION_LIMIT");
    expect(tooLarge.message).toMatch(/Free plan makes images up to 1 MP/);
    await operator.trpc.billing.updatePlan.mutate({ ...free! });
  });

  it("gives an organization only the seats of its plan", async () => {
    const [free] = (await operator.trpc.billing.plans.query()).filter((p) => p.id === "free");
    await operator.trpc.billing.updatePlan.mutate({ ...free!, seats: 2 });
    const first = await signUp(app.client(), "Second");
    const second = await signUp(app.client(), "Third");
    await operator.trpc.orgs.addMember.mutate({ orgId, email: first.email, role: "member" });
    const full = await refusal(
      operator.trpc.orgs.addMember.mutate({ orgId, email: second.email, role: "member" }),
    );
    expect(full.code).toBe("PLAN_SEAT_LIMIT");
    expect(full.message).toMatch(/Free plan has 2 seats/);
    await operator.trpc.billing.updatePlan.mutate({ ...free! });
  });

  it("pages through the ledger newest first", async () => {
    const page = await operator.trpc.billing.ledger.query({ orgId, limit: 2 });
    expect(page.entries).toHaveLength(2);
    expect(page.nextBefore).toBe(page.entries[1]!.id);
    const next = await operator.trpc.billing.ledger.query({ orgId, limit: 50, before: page.nextBefore });
    expect(next.entries.every((e) => e.id < page.nextBefore!)).toBe(true);
    expect(next.entries.at(-1)).toMatchObject({ kind: "grant", amount: 10, reason: "pilot" });
    const usage = await operator.trpc.billing.usage.query({ orgId });
    expect(usage.rows.reduce((sum, u) => sum + u.credits, 0)).toBe(2);
  });
});

import { eq, schema } from "@atelier/db";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUp, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

const codeOf = (err: unknown) => (err instanceof TRPCClientError ? err.data?.code : String(err));

describe("the engine room: the operator sees the installation, an organization's admins their own", () => {
  let app: TestApp;
  let operator: TestClient;
  let ours: TestClient;
  let theirs: TestClient;
  let a: Awaited<ReturnType<typeof signUpWithProject>>;
  let b: Awaited<ReturnType<typeof signUpWithProject>>;
  let ownJob: { id: string };
  let foreignJob: { id: string };

  beforeAll(async () => {
    app = await startTestApp({ env: { ATELIER_EMBEDDED_WORKER: "false" } });
    operator = app.client();
    // The first account of the installation is its operator, and the sign-up says so.
    const first = await operator.trpc.auth.signUp.mutate({
      email: "operator@example.test",
      name: "Operator",
      password: "correct horse battery staple",
    });
    expect(first.user.isOperator).toBe(true);
    expect(first.notice).toMatch(/operator/);
    ours = app.client();
    theirs = app.client();
    a = await signUpWithProject(ours, "Ours");
    b = await signUpWithProject(theirs, "Theirs");
    const spec = { steps: [{ step: "convert", params: { format: "webp" as const } }] };
    const assetA = await upload(ours, a.project.id, "coffee.png", fixture("coffee.png"));
    const assetB = await upload(theirs, b.project.id, "coffee.png", fixture("coffee.png"));
    ownJob = await ours.trpc.jobs.create.mutate({ projectId: a.project.id, assetIds: [assetA.id], spec });
    foreignJob = await theirs.trpc.jobs.create.mutate({
      projectId: b.project.id,
      assetIds: [assetB.id],
      spec,
    });
    await app.services.bus.heartbeat(
      {
        id: "gpu-shared",
        totalVramMb: 24_576,
        freeVramMb: 20_000,
        reservedVramMb: 4_576,
        providers: ["cuda"],
        models: [],
        runningJobs: [ownJob.id, foreignJob.id],
      },
      60_000,
    );
  });
  afterAll(() => app.close());

  it("later accounts are not operators", async () => {
    const me = await ours.trpc.auth.me.query();
    expect(me.user?.isOperator).toBe(false);
  });

  it("an org admin sees no node, no queue and no other organization's jobs", async () => {
    await expect(ours.trpc.admin.nodes.query()).rejects.toSatisfy((e) => codeOf(e) === "FORBIDDEN");
    await expect(ours.trpc.admin.queues.query()).rejects.toSatisfy((e) => codeOf(e) === "FORBIDDEN");
    await expect(ours.trpc.admin.allDeadLetters.query()).rejects.toSatisfy((e) => codeOf(e) === "FORBIDDEN");
    await expect(ours.trpc.billing.organizations.query()).rejects.toSatisfy((e) => codeOf(e) === "FORBIDDEN");
    await expect(
      ours.trpc.billing.grant.mutate({ orgId: a.org.id, credits: 100, reason: "self-service" }),
    ).rejects.toSatisfy((e) => codeOf(e) === "FORBIDDEN");
    // Their own organization's jobs, per class: one queued standard job, and nothing of the other's.
    expect(await ours.trpc.admin.orgJobs.query({ orgId: a.org.id })).toEqual([
      { priority: "standard", status: "queued", count: 1 },
    ]);
    await expect(ours.trpc.admin.orgJobs.query({ orgId: b.org.id })).rejects.toSatisfy(
      (e) => codeOf(e) === "NOT_FOUND",
    );
  });

  it("the operator sees every node with every running job, every queue, and grants credits", async () => {
    const [node] = await operator.trpc.admin.nodes.query();
    expect(node).toMatchObject({ id: "gpu-shared", totalVramMb: 24_576 });
    expect(node!.runningJobs.sort()).toEqual([ownJob.id, foreignJob.id].sort());
    const queues = await operator.trpc.admin.queues.query();
    expect(queues.streams.reduce((sum, s) => sum + s.depth, 0)).toBeGreaterThanOrEqual(2);
    const orgs = await operator.trpc.billing.organizations.query();
    expect(orgs.map((o) => o.id)).toEqual(expect.arrayContaining([a.org.id, b.org.id]));
    const before = await ours.trpc.billing.balance.query({ orgId: a.org.id });
    const after = await operator.trpc.billing.grant.mutate({ orgId: a.org.id, credits: 50, reason: "pilot" });
    expect(after.credits).toBe(before.credits + 50);
    const ledger = await ours.trpc.billing.ledger.query({ orgId: a.org.id });
    expect(ledger.entries[0]).toMatchObject({ kind: "grant", amount: 50, reason: "pilot" });
  });

  it("answers /healthz anonymously with nothing but whether the server is healthy", async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("the first account, signed up twice at once", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ATELIER_EMBEDDED_WORKER: "false" } });
  });
  afterAll(() => app.close());

  it("makes exactly one operator", async () => {
    const users = await Promise.all(Array.from({ length: 4 }, (_, i) => signUp(app.client(), `First${i}`)));
    expect(users).toHaveLength(4);
    expect(users.filter((u) => u.isOperator)).toHaveLength(1);
    const operators = await app.services.db
      .select()
      .from(schema.users)
      .where(eq(schema.users.isOperator, true));
    expect(operators.map((o) => o.id)).toEqual(users.filter((u) => u.isOperator).map((u) => u.id));
  });
});

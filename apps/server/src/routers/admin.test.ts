import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp } from "../testing/testApp.ts";

describe("the engine room of an organization's admins", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ATELIER_EMBEDDED_WORKER: "false" } });
  });
  afterAll(() => app.close());

  it("shows a node's capacity but never another organization's running job ids", async () => {
    const ours = app.client();
    const theirs = app.client();
    const a = await signUpWithProject(ours, "Ours");
    const b = await signUpWithProject(theirs, "Theirs");
    const spec = { steps: [{ step: "convert", params: { format: "webp" as const } }] };
    const assetA = await upload(ours, a.project.id, "coffee.png", fixture("coffee.png"));
    const assetB = await upload(theirs, b.project.id, "coffee.png", fixture("coffee.png"));
    const ownJob = await ours.trpc.jobs.create.mutate({
      projectId: a.project.id,
      assetIds: [assetA.id],
      spec,
    });
    const foreignJob = await theirs.trpc.jobs.create.mutate({
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
    const [node] = await ours.trpc.admin.nodes.query({ orgId: a.org.id });
    expect(node).toMatchObject({ id: "gpu-shared", totalVramMb: 24_576, runningJobs: [ownJob.id] });
    const [seenByThem] = await theirs.trpc.admin.nodes.query({ orgId: b.org.id });
    expect(seenByThem!.runningJobs).toEqual([foreignJob.id]);
  });

  it("answers /healthz anonymously with nothing but whether the server is healthy", async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

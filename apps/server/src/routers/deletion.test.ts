import { eq, schema } from "@atelier/db";
import { DELETE_UNDO_MS, type ProjectEvent } from "@atelier/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUp, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

async function until<T>(read: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "allowed",
    (err: { data?: { appCode?: string } }) => err.data?.appCode,
  );

/** Deleting assets, jobs and outputs with a short undo, by role, and storage cleaned up after. */
describe("delete with undo", () => {
  let app: TestApp;
  let owner: TestClient;
  let member: TestClient;
  let viewer: TestClient;
  let orgId: string;
  let projectId: string;
  const events: ProjectEvent[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { ATELIER_EMBEDDED_WORKER: "true" } });
    owner = app.client();
    member = app.client();
    viewer = app.client();
    ({
      org: { id: orgId },
      project: { id: projectId },
    } = await signUpWithProject(owner, "Owner"));
    const m = await signUp(member, "Member");
    const v = await signUp(viewer, "Viewer");
    await owner.trpc.orgs.addMember.mutate({ orgId, email: m.email, role: "member" });
    await owner.trpc.orgs.addMember.mutate({ orgId, email: v.email, role: "viewer" });
    owner.trpc.projects.events.subscribe(
      { projectId },
      { onData: (e) => events.push((e as { data: ProjectEvent }).data) },
    );
    await until(() => events.some((e) => e.type === "stream.ready"));
  });
  afterAll(async () => {
    owner.closeWs();
    await app.close();
  });

  const listed = async () => (await owner.trpc.assets.list.query({ projectId })).map((a) => a.id);

  it("lets people delete their own uploads (admins any), undo within the window, then removes the files", async () => {
    const mine = await upload(member, projectId, "coffee.png", fixture("coffee.png"));
    const theirs = await upload(owner, projectId, "chelsea.png", fixture("chelsea.png"));
    expect(await codeOf(viewer.trpc.assets.delete.mutate({ assetId: mine.id }))).toBe("FORBIDDEN");
    expect(await codeOf(member.trpc.assets.delete.mutate({ assetId: theirs.id }))).toBe("FORBIDDEN");

    const { undoUntil } = await member.trpc.assets.delete.mutate({ assetId: mine.id });
    expect(Date.parse(undoUntil) - Date.now()).toBeLessThanOrEqual(DELETE_UNDO_MS);
    expect(await listed()).not.toContain(mine.id);
    await until(() => events.some((e) => e.type === "asset.deleted" && e.assetId === mine.id));
    const back = await member.trpc.assets.restore.mutate({ assetId: mine.id });
    expect(back.status).toBe("ready");
    expect(await listed()).toContain(mine.id);
    await until(() => events.some((e) => e.type === "asset.restored" && e.asset.id === mine.id));

    // An admin deletes someone else's; after the window its original and its export are gone from storage.
    await member.trpc.assets.export.query({ assetId: mine.id, format: "webp" });
    const [{ storageKey, exportKeys }] = (await app.services.db
      .select({ storageKey: schema.assets.storageKey, exportKeys: schema.assets.exportKeys })
      .from(schema.assets)
      .where(eq(schema.assets.id, mine.id))) as [{ storageKey: string; exportKeys: string[] }];
    expect(exportKeys).toHaveLength(1);
    await owner.trpc.assets.delete.mutate({ assetId: mine.id });
    expect(await app.services.storage.head(storageKey)).not.toBeNull();
    const rowGone = async () =>
      (await app.services.db.select().from(schema.assets).where(eq(schema.assets.id, mine.id))).length === 0;
    await until(rowGone, DELETE_UNDO_MS + 15_000);
    expect(await app.services.storage.head(storageKey)).toBeNull();
    expect(await app.services.storage.head(exportKeys[0]!)).toBeNull();
    expect(await codeOf(owner.trpc.assets.restore.mutate({ assetId: mine.id }))).toBe("NOT_FOUND");
  }, 60_000);

  it("cancels a running job before deleting it, brings it back on undo, and deletes single outputs", async () => {
    const asset = await upload(member, projectId, "coffee.png", fixture("coffee.png"));
    const long = await member.trpc.jobs.create.mutate({
      projectId,
      assetIds: [asset.id],
      spec: { steps: [{ step: "diagnostic", params: { ms: 60_000, ticks: 60 } }] },
    });
    await until(async () => (await member.trpc.jobs.get.query({ jobId: long.id })).status === "running");
    await member.trpc.jobs.delete.mutate({ jobId: long.id });
    const jobs = async () => (await owner.trpc.jobs.list.query({ projectId })).map((j) => j.id);
    expect(await jobs()).not.toContain(long.id);
    expect((await owner.trpc.jobs.get.query({ jobId: long.id })).status).toBe("cancelled");
    const restored = await member.trpc.jobs.restore.mutate({ jobId: long.id });
    expect(restored.status).toBe("cancelled");
    expect(await jobs()).toContain(long.id);

    const cut = await member.trpc.jobs.create.mutate({
      projectId,
      assetIds: [asset.id],
      spec: { steps: [{ step: "resize", params: { width: 100 } }] },
    });
    const done = await until(async () => {
      const view = await member.trpc.jobs.get.query({ jobId: cut.id });
      return view.status === "succeeded" && view;
    });
    const output = done.outputs[0]!;
    expect(await codeOf(viewer.trpc.jobs.deleteOutput.mutate({ jobId: cut.id, outputId: output.id }))).toBe(
      "FORBIDDEN",
    );
    await member.trpc.jobs.deleteOutput.mutate({ jobId: cut.id, outputId: output.id });
    expect((await owner.trpc.jobs.get.query({ jobId: cut.id })).outputs).toEqual([]);
    await until(() => events.some((e) => e.type === "job.output.deleted" && e.outputId === output.id));
    await member.trpc.jobs.restoreOutput.mutate({ jobId: cut.id, outputId: output.id });
    expect((await owner.trpc.jobs.get.query({ jobId: cut.id })).outputs.map((o) => o.id)).toEqual([
      output.id,
    ]);
  }, 90_000);

  it("tells a person at once when they are added to an organization or their role changes", async () => {
    const newcomer = app.client();
    const person = await signUp(newcomer, "Newcomer");
    const mine: ProjectEvent[] = [];
    newcomer.trpc.orgs.myEvents.subscribe(
      {},
      { onData: (e) => mine.push((e as { data: ProjectEvent }).data) },
    );
    await until(() => mine.some((e) => e.type === "stream.ready"));
    const { userId } = await owner.trpc.orgs.addMember.mutate({ orgId, email: person.email, role: "member" });
    await owner.trpc.orgs.setRole.mutate({ orgId, userId, role: "viewer" });
    await until(() => mine.filter((e) => e.type === "membership.changed").length === 2);
    expect(mine.filter((e) => e.type === "membership.changed")).toEqual([
      expect.objectContaining({
        change: "added",
        orgId,
        role: "member",
        orgName: "Owner's studio",
        by: "Owner",
      }),
      expect.objectContaining({ change: "role", orgId, role: "viewer" }),
    ]);
    newcomer.closeWs();
  });
});

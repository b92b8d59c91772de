import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { Principal } from "./auth/authenticate.ts";
import { appRouter } from "./router.ts";
import { fixture, signUp, signUpWithProject, upload } from "./testing/fixtures.ts";
import { sampleProcedureInput } from "./testing/sampleInput.ts";
import { startTestApp, type TestApp } from "./testing/testApp.ts";
import { createCallerFactory, type ProcedureMeta } from "./trpc.ts";

type AnyProcedure = { _def: { meta?: ProcedureMeta; inputs: z.ZodType[]; type: string } };
// Read from the router itself, so a procedure added later is walked too.
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);

describe("tenancy, walked over every procedure of the router", () => {
  let app: TestApp;
  let owned: Record<string, string>;
  let stranger: Principal;
  let viewer: Principal;

  const principalOf = (user: { id: string; email: string; name: string }): Principal => ({
    kind: "session",
    user: { id: user.id, email: user.email, name: user.name },
    session: { id: "test", userId: user.id, expiresAt: new Date(Date.now() + 60_000) },
    scopes: new Set(["read", "write", "admin"]),
  });

  const call = async (principal: Principal, path: string, input: unknown) => {
    const caller = createCallerFactory(appRouter)({ services: app.services, principal, req: {} as never });
    let fn: unknown = caller;
    for (const part of path.split(".")) fn = (fn as Record<string, unknown>)[part];
    const result = await (fn as (i: unknown) => Promise<unknown>)(input);
    if (result && typeof result === "object" && Symbol.asyncIterator in result) {
      const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      await Promise.race([iterator.next(), new Promise((r) => setTimeout(r, 200))]);
      await iterator.return?.();
    }
    return result;
  };

  beforeAll(async () => {
    app = await startTestApp();
    const ownerClient = app.client();
    const { org, project } = await signUpWithProject(ownerClient, "Owner");
    const asset = await upload(ownerClient, project.id, "coffee.png", fixture("coffee.png"));
    const ownerMember = (await ownerClient.trpc.orgs.members.query({ orgId: org.id }))[0]!;
    // A long job stays cancellable while the walk runs, so job writes are really tried.
    const job = await ownerClient.trpc.jobs.create.mutate({
      projectId: project.id,
      assetIds: [asset.id],
      spec: { steps: [{ step: "diagnostic", params: { ms: 60_000 } }] },
    });
    owned = {
      orgId: org.id,
      projectId: project.id,
      assetId: asset.id,
      jobId: job.id,
      userId: ownerMember.userId,
    };

    const strangerClient = app.client();
    stranger = principalOf(await signUp(strangerClient, "Stranger"));
    await strangerClient.trpc.orgs.create.mutate({ name: "Elsewhere" });

    const viewerClient = app.client();
    const viewerUser = await signUp(viewerClient, "Viewer");
    await ownerClient.trpc.orgs.addMember.mutate({ orgId: org.id, email: viewerUser.email, role: "viewer" });
    viewer = principalOf(viewerUser);
  });
  afterAll(() => app.close());

  it("gives every procedure a declared scope", () => {
    const undeclared = procedures.filter(([, p]) => !p._def.meta?.scope).map(([path]) => path);
    expect(undeclared).toEqual([]);
  });

  it("answers NOT_FOUND or FORBIDDEN to a member of another organization, for every scoped procedure", async () => {
    const scoped = procedures.filter(([, p]) =>
      ["org", "project", "asset", "job"].includes(p._def.meta!.scope),
    );
    expect(scoped.length).toBeGreaterThan(10);
    const answers: Record<string, string> = {};
    for (const [path, procedure] of scoped) {
      const input = sampleProcedureInput(procedure._def.inputs, owned);
      answers[path] = await call(stranger, path, input).then(
        () => "allowed",
        (err) => (err instanceof TRPCError ? err.code : String(err)),
      );
    }
    const leaks = Object.entries(answers).filter(([, code]) => code !== "NOT_FOUND" && code !== "FORBIDDEN");
    expect(leaks).toEqual([]);
  });

  it("answers FORBIDDEN to a viewer for every procedure that writes", async () => {
    const writes = procedures.filter(
      ([, p]) =>
        ["org", "project", "asset", "job"].includes(p._def.meta!.scope) && p._def.meta!.minRole !== "viewer",
    );
    expect(writes.length).toBeGreaterThan(5);
    for (const [path, procedure] of writes) {
      const input = sampleProcedureInput(procedure._def.inputs, owned);
      const code = await call(viewer, path, input).then(
        () => "allowed",
        (err) => (err instanceof TRPCError ? err.code : String(err)),
      );
      expect({ path, code }).toEqual({ path, code: "FORBIDDEN" });
    }
  });

  it("lets a viewer read what the organization holds", async () => {
    await expect(call(viewer, "assets.get", { assetId: owned.assetId })).resolves.toMatchObject({
      status: "ready",
    });
    await expect(call(viewer, "orgs.list", undefined)).resolves.toEqual([
      expect.objectContaining({ role: "viewer" }),
    ]);
  });
});

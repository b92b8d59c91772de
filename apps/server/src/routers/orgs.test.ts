import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, signUpWithProject } from "../testing/fixtures.ts";
import { startTestApp, type TestApp } from "../testing/testApp.ts";

const codeOf = (err: unknown) => (err instanceof TRPCClientError ? err.data?.appCode : String(err));

describe("organizations and roles", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("adds a member by email, changes the role, removes, and keeps one owner", async () => {
    const owner = app.client();
    const { org, project } = await signUpWithProject(owner, "Founder");
    const colleague = app.client();
    const person = await signUp(colleague, "Colleague");

    await owner.trpc.orgs.addMember.mutate({ orgId: org.id, email: person.email, role: "viewer" });
    expect(await colleague.trpc.orgs.list.query()).toEqual([
      expect.objectContaining({ id: org.id, role: "viewer" }),
    ]);
    expect(
      codeOf(await colleague.trpc.projects.create.mutate({ orgId: org.id, name: "x" }).catch((e) => e)),
    ).toBe("FORBIDDEN");
    expect(await colleague.trpc.projects.get.query({ projectId: project.id })).toMatchObject({
      id: project.id,
    });

    await owner.trpc.orgs.setRole.mutate({ orgId: org.id, userId: person.id, role: "admin" });
    const me = (await owner.trpc.orgs.members.query({ orgId: org.id })).find((m) => m.role === "owner")!;
    expect(
      codeOf(
        await colleague.trpc.orgs.setRole
          .mutate({ orgId: org.id, userId: me.userId, role: "member" })
          .catch((e) => e),
      ),
    ).toBe("FORBIDDEN");
    expect(
      codeOf(await owner.trpc.orgs.removeMember.mutate({ orgId: org.id, userId: me.userId }).catch((e) => e)),
    ).toBe("CONFLICT");
    expect(
      codeOf(
        await owner.trpc.orgs.addMember
          .mutate({ orgId: org.id, email: person.email, role: "member" })
          .catch((e) => e),
      ),
    ).toBe("CONFLICT");
    expect(
      codeOf(
        await owner.trpc.orgs.addMember
          .mutate({ orgId: org.id, email: "ghost@example.com", role: "member" })
          .catch((e) => e),
      ),
    ).toBe("NOT_FOUND");

    await owner.trpc.orgs.removeMember.mutate({ orgId: org.id, userId: person.id });
    expect(await colleague.trpc.orgs.list.query()).toEqual([]);
    expect(codeOf(await colleague.trpc.projects.get.query({ projectId: project.id }).catch((e) => e))).toBe(
      "NOT_FOUND",
    );
  });
});

import { eq, schema } from "@atelier/db";
import { TRPCClientError } from "@trpc/client";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUp, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

describe("edit documents, edited by two people at once", () => {
  let app: TestApp;
  let alice: TestClient;
  let bob: TestClient;
  let assetId: string;
  let projectId: string;

  beforeAll(async () => {
    app = await startTestApp();
    alice = app.client();
    const { org, project } = await signUpWithProject(alice, "Alice");
    projectId = project.id;
    bob = app.client();
    const bobUser = await signUp(bob, "Bob");
    await alice.trpc.orgs.addMember.mutate({ orgId: org.id, email: bobUser.email, role: "member" });
    ({ id: assetId } = await upload(alice, project.id, "coffee.png", fixture("coffee.png")));
  });
  afterAll(() => app.close());

  it("applies concurrent edits made against the same revision, keeps both, and stores the result", async () => {
    const events: unknown[] = [];
    const sub = bob.trpc.projects.events.subscribe(
      { projectId },
      { onData: (e) => events.push((e as { data: unknown }).data) },
    );
    await new Promise((r) => setTimeout(r, 300));
    await alice.trpc.documents.edit.mutate({
      assetId,
      baseRevision: 0,
      clientOpId: "alice-000001",
      ops: [
        { kind: "insert", path: ["overlays"], value: { id: "title", text: "Fresh coffee", x: 0.1, y: 0.1 } },
      ],
    });
    const { revision: base } = await bob.trpc.documents.get.query({ assetId });
    const [a, b] = await Promise.all([
      alice.trpc.documents.edit.mutate({
        assetId,
        baseRevision: base,
        clientOpId: "alice-000002",
        ops: [{ kind: "set", path: ["crop"], value: { x: 0.1, y: 0, width: 0.8, height: 1 } }],
      }),
      bob.trpc.documents.edit.mutate({
        assetId,
        baseRevision: base,
        clientOpId: "bob-00000001",
        ops: [{ kind: "set", path: ["overlays", "title", "text"], value: "Fresh coffee, 2 €" }],
      }),
    ]);
    expect(new Set([a.revision, b.revision])).toEqual(new Set([2, 3]));
    const seenByAlice = await alice.trpc.documents.get.query({ assetId });
    const seenByBob = await bob.trpc.documents.get.query({ assetId });
    expect(seenByAlice).toEqual(seenByBob);
    expect(seenByAlice).toMatchObject({
      revision: 3,
      document: { crop: { x: 0.1, width: 0.8 }, overlays: [{ id: "title", text: "Fresh coffee, 2 €" }] },
    });
    const [stored] = await app.services.db
      .select()
      .from(schema.assetDocuments)
      .where(eq(schema.assetDocuments.assetId, assetId));
    expect(stored!.document).toEqual(seenByAlice.document);

    const deadline = Date.now() + 5000;
    while (
      events.filter((e) => (e as { type: string }).type === "document.op").length < 3 &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }
    sub.unsubscribe();
    const ops = events.filter((e) => (e as { type: string }).type === "document.op") as Array<{
      revision: number;
      userName: string;
    }>;
    expect(ops.map((o) => o.revision)).toEqual([1, 2, 3]);

    const history = await bob.trpc.documents.history.query({ assetId });
    expect(history.map((h) => h.userName).sort()).toEqual(["Alice", "Alice", "Bob"]);
  });

  it("does not apply a resent operation twice", async () => {
    const op = {
      assetId,
      baseRevision: 3,
      clientOpId: "alice-resend-1",
      ops: [{ kind: "set" as const, path: ["adjustments", "brightness"], value: 1.2 }],
    };
    const first = await alice.trpc.documents.edit.mutate(op);
    const again = await alice.trpc.documents.edit.mutate(op);
    expect(again.revision).toBe(first.revision);
    expect((await alice.trpc.documents.get.query({ assetId })).revision).toBe(first.revision);
  });

  it("refuses an edit that would make the document invalid, changing nothing", async () => {
    const before = await alice.trpc.documents.get.query({ assetId });
    const err = await alice.trpc.documents.edit
      .mutate({
        assetId,
        baseRevision: before.revision,
        clientOpId: "alice-invalid-1",
        ops: [{ kind: "set", path: ["crop"], value: { x: 0.9, y: 0, width: 0.5, height: 1 } }],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect(err.data.appCode).toBe("VALIDATION_ERROR");
    expect(await alice.trpc.documents.get.query({ assetId })).toEqual(before);
  });

  it("renders the asset with its edits, small for previews", async () => {
    const preview = await bob.trpc.documents.render.query({ assetId, maxSize: 256 });
    const bytes = Buffer.from(preview.dataUrl.split(",")[1]!, "base64");
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe("webp");
    expect(Math.max(meta.width, meta.height)).toBe(256);
    // The crop kept 80% of the width of a 600x400 original.
    expect(meta.width / meta.height).toBeCloseTo(480 / 400, 1);
  });

  it("renders in the organization's own format, with its crop override", async () => {
    const { orgId } = await alice.trpc.projects.get.query({ projectId });
    await alice.trpc.settings.saveFormat.mutate({
      orgId,
      slug: "shop-banner",
      label: "Shop banner",
      width: 800,
      height: 200,
    });
    const { revision } = await alice.trpc.documents.get.query({ assetId });
    await alice.trpc.documents.edit.mutate({
      assetId,
      baseRevision: revision,
      clientOpId: "alice-format-1",
      ops: [
        {
          kind: "set",
          path: ["formatOverrides", "shop-banner", "crop"],
          value: { x: 0, y: 0.4, width: 1, height: 0.25 },
        },
      ],
    });
    const preview = await bob.trpc.documents.render.query({ assetId, maxSize: 400, formatId: "shop-banner" });
    expect([preview.width, preview.height]).toEqual([400, 100]);
  });

  it("deletes a field with a set that has no value (undo of a first change, reset)", async () => {
    const { revision } = await alice.trpc.documents.get.query({ assetId });
    await alice.trpc.documents.edit.mutate({
      assetId,
      baseRevision: revision,
      clientOpId: "alice-delete-1",
      ops: [{ kind: "set", path: ["crop"], value: undefined }],
    });
    const after = await alice.trpc.documents.get.query({ assetId });
    expect(after.document.crop).toBeUndefined();
  });

  it("refuses fields the document does not have, and documents past their size, storing and logging nothing", async () => {
    const before = await alice.trpc.documents.get.query({ assetId });
    const history = await alice.trpc.documents.history.query({ assetId });
    const refused = async (clientOpId: string, ops: unknown) => {
      const err = await alice.trpc.documents.edit
        .mutate({ assetId, baseRevision: before.revision, clientOpId, ops: ops as never })
        .catch((e: unknown) => e);
      return err instanceof TRPCClientError ? err.data?.appCode : "applied";
    };
    expect(await refused("junk-00001", [{ kind: "set", path: ["notes"], value: "x".repeat(500_000) }])).toBe(
      "VALIDATION_ERROR",
    );
    expect(
      await refused("junk-00002", [
        { kind: "set", path: ["crop"], value: { x: 0, y: 0, width: 1, height: 1, secret: "x".repeat(1000) } },
      ]),
    ).toBe("VALIDATION_ERROR");
    expect(
      await refused("junk-00003", [
        { kind: "insert", path: ["overlays"], value: { id: "o1", text: "hi", x: 0, y: 0, extra: 1 } },
      ]),
    ).toBe("VALIDATION_ERROR");
    // With the "title" overlay already there: 49 more is the most a document holds.
    const overlays = Array.from({ length: 49 }, (_, i) => ({
      kind: "insert",
      path: ["overlays"],
      value: {
        id: `big-${i}`,
        text: "y".repeat(2000),
        x: 0,
        y: 0,
        styleSet: "s".repeat(64),
        style: { fontFamily: "f".repeat(200), fontSize: 40, colour: "#ffffff" },
      },
    }));
    const formats = Array.from({ length: 100 }, (_, i) => ({
      kind: "set",
      path: ["formatOverrides", `format-${i}-`.padEnd(64, "x")],
      value: { crop: { x: 0.1, y: 0.1, width: 0.5, height: 0.5 } },
    }));
    expect(await refused("big-000001", [...overlays.slice(0, 40), ...formats.slice(0, 60)])).toBe("applied");
    // Every field within its own bounds, and still more than a document may hold.
    expect(await refused("big-000002", [...overlays.slice(40), ...formats.slice(60)])).toBe(
      "VALIDATION_ERROR",
    );
    const after = await alice.trpc.documents.history.query({ assetId });
    expect(after.length).toBe(history.length + 1);
    expect(JSON.stringify(after)).not.toContain("secret");
    const [row] = await app.services.db
      .select()
      .from(schema.assetDocuments)
      .where(eq(schema.assetDocuments.assetId, assetId));
    expect(JSON.stringify(row!.document)).not.toMatch(/notes|secret|extra/);
  });

  it("renders a large asset once for many viewers, and never more than two renders at a time", async () => {
    const big = await sharp({
      create: { width: 5000, height: 5000, channels: 3, background: { r: 200, g: 120, b: 40 } },
    })
      .png()
      .toBuffer();
    const { id: bigId } = await upload(alice, projectId, "big.png", big);
    const before = app.services.renditions.stats();
    const viewers = await Promise.all(
      Array.from({ length: 8 }, () => bob.trpc.documents.render.query({ assetId: bigId, maxSize: 1024 })),
    );
    expect(new Set(viewers.map((v) => v.dataUrl)).size).toBe(1);
    expect(app.services.renditions.stats().rendered - before.rendered).toBe(1);
    await bob.trpc.documents.render.query({ assetId: bigId, maxSize: 1024 });
    expect(app.services.renditions.stats().rendered - before.rendered).toBe(1);

    const sizes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        alice.trpc.documents.render.query({ assetId: bigId, maxSize: 256 + i }),
      ),
    );
    expect(sizes.map((r) => r.width)).toEqual(Array.from({ length: 12 }, (_, i) => 256 + i));
    expect(app.services.renditions.stats().peakRunning).toBeLessThanOrEqual(2);
  });
});

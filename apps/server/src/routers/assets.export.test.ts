import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUp, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

const original = fixture("coffee.png"); // 600 x 400

async function download(url: string) {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe("assets.export: the edited image at full resolution", () => {
  let app: TestApp;
  let owner: TestClient;
  let viewer: TestClient;
  let assetId: string;

  beforeAll(async () => {
    app = await startTestApp();
    owner = app.client();
    const { org, project } = await signUpWithProject(owner, "Exporter");
    ({ id: assetId } = await upload(owner, project.id, "coffee.png", original));
    viewer = app.client();
    const viewerUser = await signUp(viewer, "Looker");
    await owner.trpc.orgs.addMember.mutate({ orgId: org.id, email: viewerUser.email, role: "viewer" });
  });
  afterAll(() => app.close());

  it("converts an unedited asset as it is, named after the upload", async () => {
    const exported = await owner.trpc.assets.export.query({ assetId, format: "webp" });
    expect(exported).toMatchObject({ revision: 0, filename: "coffee.webp", mediaType: "image/webp" });
    const { bytes } = await download(exported.url);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "webp", width: 600, height: 400 });
  });

  it("exports the crop, adjustments and text at full resolution in each format, to a viewer too", async () => {
    await owner.trpc.documents.edit.mutate({
      assetId,
      baseRevision: 0,
      clientOpId: "export-000001",
      ops: [
        { kind: "set", path: ["crop"], value: { x: 0.25, y: 0.25, width: 0.5, height: 0.5 } },
        { kind: "set", path: ["adjustments"], value: { saturation: 0 } },
        { kind: "insert", path: ["overlays"], value: { id: "t", text: "Espresso", x: 0.05, y: 0.05 } },
      ],
    });
    for (const format of ["png", "jpeg", "webp", "avif"] as const) {
      const exported = await viewer.trpc.assets.export.query({ assetId, format });
      const extension = format === "jpeg" ? "jpg" : format;
      expect(exported).toMatchObject({ revision: 1, filename: `coffee-edited.${extension}` });
      const { res, bytes } = await download(exported.url);
      expect(res.headers.get("content-disposition")).toContain(`coffee-edited.${extension}`);
      expect(bytes.length).toBe(exported.bytes);
      const meta = await sharp(bytes).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
        format: format === "avif" ? "heif" : format,
        width: 300,
        height: 200,
      });
    }
    // Saturation 0 made it grey, which the original is not.
    const png = await download((await owner.trpc.assets.export.query({ assetId, format: "png" })).url);
    const { channels } = await sharp(png.bytes).stats();
    expect(Math.abs(channels[0]!.mean - channels[2]!.mean)).toBeLessThan(2);
  });

  it("keeps one rendition per revision, format and quality, and renders again after an edit", async () => {
    const low = await owner.trpc.assets.export.query({ assetId, format: "jpeg", quality: 20 });
    const high = await owner.trpc.assets.export.query({ assetId, format: "jpeg", quality: 95 });
    expect(low.bytes).toBeLessThan(high.bytes);
    const keyOf = (url: string) => new URL(url).pathname;
    // What is stored under the key is what the next export hands out: it is not rendered again.
    const stored = keyOf(low.url).slice(keyOf(low.url).indexOf("orgs/"));
    const marker = (await download(high.url)).bytes;
    await app.services.storage.put(stored, marker, "image/jpeg");
    const again = await owner.trpc.assets.export.query({ assetId, format: "jpeg", quality: 20 });
    expect(keyOf(again.url)).toBe(keyOf(low.url));
    expect((await download(again.url)).bytes.equals(marker)).toBe(true);

    await owner.trpc.documents.edit.mutate({
      assetId,
      baseRevision: 1,
      clientOpId: "export-000002",
      ops: [{ kind: "set", path: ["crop"] }],
    });
    const uncropped = await owner.trpc.assets.export.query({ assetId, format: "jpeg", quality: 20 });
    expect(uncropped.revision).toBe(2);
    expect(keyOf(uncropped.url)).not.toBe(keyOf(low.url));
    const { bytes } = await download(uncropped.url);
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 600, height: 400 });
  });

  it("refuses a quality outside 1-100 with a message naming it", async () => {
    await expect(owner.trpc.assets.export.query({ assetId, format: "jpeg", quality: 0 })).rejects.toThrow(
      /quality/,
    );
  });
});

import { createHash } from "node:crypto";
import { eq, schema } from "@atelier/db";
import { TRPCClientError } from "@trpc/client";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, pngClaiming, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

const appCodeOf = (err: unknown) => (err instanceof TRPCClientError ? err.data?.appCode : String(err));

describe.each([
  { database: "pglite", storage: "local" },
  { database: "postgres", storage: "s3" },
] as const)("uploads on $database with $storage storage", (setup) => {
  let app: TestApp;
  let client: TestClient;
  let projectId: string;

  beforeAll(async () => {
    app = await startTestApp({
      ...setup,
      env: { MAX_UPLOAD_BYTES: String(2 * 1024 * 1024), MAX_INPUT_PIXELS: "40000000" },
    });
    client = app.client();
    ({
      project: { id: projectId },
    } = await signUpWithProject(client));
  });
  afterAll(() => app.close());

  it("makes chelsea.png ready with its real size and hash, served re-encoded", async () => {
    const bytes = fixture("chelsea.png");
    const asset = await upload(client, projectId, "chelsea.png", bytes);
    expect(asset).toMatchObject({
      status: "ready",
      mediaType: "image/png",
      width: 451,
      height: 300,
      bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      rejection: null,
    });
    const served = Buffer.from(await (await fetch(asset.url!)).arrayBuffer());
    expect(await sharp(served).metadata()).toMatchObject({ format: "webp", width: 451, height: 300 });
    const thumb = await sharp(Buffer.from(await (await fetch(asset.thumbnailUrl!)).arrayBuffer())).metadata();
    expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(320);
    const listed = await client.trpc.assets.list.query({ projectId });
    expect(listed.map((a) => a.id)).toContain(asset.id);
  });

  it.each([
    ["truncated.jpg", fixture("truncated.jpg"), "image/jpeg", "CORRUPT_IMAGE"],
    [
      "notes.png",
      Buffer.from("these are my notes, not a picture\n".repeat(20)),
      "image/png",
      "UNSUPPORTED_MEDIA",
    ],
    ["huge.png", pngClaiming(30000, 30000), "image/png", "IMAGE_TOO_LARGE"],
    [
      "logo.png",
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
      ),
      "image/png",
      "UNSUPPORTED_MEDIA",
    ],
  ])("rejects %s (%#) with %s and never makes it ready", async (filename, bytes, contentType, code) => {
    const asset = await upload(client, projectId, filename, bytes, contentType);
    expect(asset.status).toBe("rejected");
    expect(asset.rejection?.code).toBe(code);
    expect(asset.rejection?.message.length).toBeGreaterThan(20);
    expect(asset.url).toBeNull();
    const again = await client.trpc.assets.completeUpload.mutate({ assetId: asset.id });
    expect(again.status).toBe("rejected");
  });

  it.each([
    ["an empty file", { filename: "empty.png", contentType: "image/png", bytes: 0 }, "EMPTY_FILE"],
    ["an SVG", { filename: "logo.svg", contentType: "image/svg+xml", bytes: 120 }, "UNSUPPORTED_MEDIA"],
    [
      "a file over the limit",
      { filename: "big.png", contentType: "image/png", bytes: 3 * 1024 * 1024 },
      "FILE_TOO_LARGE",
    ],
  ])("refuses to start an upload of %s", async (_, input, code) => {
    const err = await client.trpc.assets.createUpload.mutate({ projectId, ...input }).catch((e) => e);
    expect(appCodeOf(err)).toBe(code);
  });

  it("never makes ready an upload with more bytes than were declared, and keeps serving", async () => {
    const { upload: target, asset } = await client.trpc.assets.createUpload.mutate({
      projectId,
      filename: "liar.png",
      contentType: "image/png",
      bytes: 100,
    });
    const put = await fetch(target.url, {
      method: "PUT",
      headers: target.headers,
      body: new Uint8Array(5000),
    });
    // Local storage refuses the body outright; s3rver ignores signatures (real S3 refuses the signed length).
    if (setup.storage === "local") expect(put.status).toBe(413);
    const outcome = await client.trpc.assets.completeUpload.mutate({ assetId: asset.id }).catch((e) => e);
    if (setup.storage === "local") expect(appCodeOf(outcome)).toBe("VALIDATION_ERROR");
    else expect(outcome).toMatchObject({ status: "rejected", rejection: { code: "FILE_TOO_LARGE" } });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe("a validated original", () => {
  let app: TestApp;
  let client: TestClient;
  let projectId: string;
  beforeAll(async () => {
    app = await startTestApp();
    client = app.client();
    ({
      project: { id: projectId },
    } = await signUpWithProject(client));
  });
  afterAll(() => app.close());

  it("cannot be replaced through its upload URL, and a file swapped anyway is never processed", async () => {
    const bytes = fixture("coffee.png");
    const { asset, upload: target } = await client.trpc.assets.createUpload.mutate({
      projectId,
      filename: "coffee.png",
      contentType: "image/png",
      bytes: bytes.length,
    });
    await fetch(target.url, { method: "PUT", headers: target.headers, body: new Uint8Array(bytes) });
    const ready = await client.trpc.assets.completeUpload.mutate({ assetId: asset.id });
    expect(ready.status).toBe("ready");

    const swapped = Buffer.from(bytes);
    swapped[swapped.length - 20] = (swapped[swapped.length - 20]! + 1) % 256;
    const second = await fetch(target.url, {
      method: "PUT",
      headers: target.headers,
      body: new Uint8Array(swapped),
    });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe("CONFLICT");

    // A store that cannot refuse a second write (or a tampered bucket): the bytes change under the asset.
    const [row] = await app.services.db.select().from(schema.assets).where(eq(schema.assets.id, asset.id));
    await app.services.storage.delete(row!.storageKey);
    await app.services.storage.put(row!.storageKey, swapped, "image/png");
    const render = await client.trpc.documents.render.query({ assetId: asset.id }).catch((e) => e);
    expect(appCodeOf(render)).toBe("CONFLICT");
    const job = await client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [asset.id],
      spec: { steps: [{ step: "convert", params: { format: "webp" } }] },
    });
    await expect
      .poll(async () => (await client.trpc.jobs.get.query({ jobId: job.id })).status, { timeout: 15_000 })
      .toBe("failed");
    expect((await client.trpc.jobs.get.query({ jobId: job.id })).error?.code).toBe("CONFLICT");
  });
});

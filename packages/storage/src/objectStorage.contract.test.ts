import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isAppError } from "@atelier/shared";
import { fixturesDir } from "@atelier/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObjectStorage } from "./ObjectStorage.ts";
import { startLocalStore, startS3Store, type TestStore } from "./testStores.ts";

const fixture = (name: string) => readFile(join(fixturesDir, name));

async function expectAppError(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isAppError(err), `expected AppError ${code}, got ${String(err)}`).toBe(true);
  expect((err as { code: string }).code).toBe(code);
}

let counter = 0;
const freshKey = (name: string) => `orgs/test/${Date.now().toString(36)}-${counter++}/${name}`;

describe.each([
  ["local", startLocalStore],
  ["s3", startS3Store],
] as const)("ObjectStorage contract: %s", (kind, start) => {
  let store: TestStore<ObjectStorage>;
  let png: Buffer;

  beforeAll(async () => {
    store = await start();
    png = await fixture("chelsea.png");
  });
  afterAll(() => store?.close());

  it("reports its kind", () => {
    expect(store.storage.kind).toBe(kind);
  });

  it("stores bytes and reads back the same bytes, size and type", async () => {
    const key = freshKey("original.png");
    await store.storage.put(key, png, "image/png");
    expect(Buffer.compare(await store.storage.get(key), png)).toBe(0);
    expect(await store.storage.head(key)).toEqual({ bytes: png.length, contentType: "image/png" });
  });

  it("replaces an object on a second put", async () => {
    const key = freshKey("note.txt");
    await store.storage.put(key, Buffer.from("first"), "text/plain");
    await store.storage.put(key, Buffer.from("second version"), "text/plain");
    expect((await store.storage.get(key)).toString()).toBe("second version");
  });

  it("deletes, and deleting a missing key is fine", async () => {
    const key = freshKey("gone.png");
    await store.storage.put(key, png, "image/png");
    await store.storage.delete(key);
    expect(await store.storage.head(key)).toBeNull();
    await store.storage.delete(key);
  });

  it("answers NOT_FOUND for a missing key and null from head", async () => {
    const key = freshKey("never-written.png");
    await expectAppError(store.storage.get(key), "NOT_FOUND");
    expect(await store.storage.head(key)).toBeNull();
  });

  it("refuses to read more than maxBytes", async () => {
    const key = freshKey("big.png");
    await store.storage.put(key, png, "image/png");
    await expectAppError(store.storage.get(key, { maxBytes: png.length - 1 }), "FILE_TOO_LARGE");
    expect((await store.storage.get(key, { maxBytes: png.length })).length).toBe(png.length);
  });

  it("accepts a browser-style PUT to the upload URL and serves the same bytes from the download URL", async () => {
    const key = freshKey("upload.png");
    const target = await store.storage.createUploadUrl(key, {
      contentType: "image/png",
      contentLength: png.length,
      expiresInSec: 300,
    });
    expect(target.method).toBe("PUT");
    const put = await fetch(target.url, { method: "PUT", headers: target.headers, body: png });
    expect(put.status).toBe(200);

    expect(Buffer.compare(await store.storage.get(key), png)).toBe(0);
    expect(await store.storage.head(key)).toEqual({ bytes: png.length, contentType: "image/png" });

    const url = await store.storage.createDownloadUrl(key, {
      expiresInSec: 300,
      filename: "Chelsea the cat.png",
    });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toContain('filename="Chelsea the cat.png"');
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), png)).toBe(0);
  });

  it("serves a download with an overridden content type and no disposition", async () => {
    const key = freshKey("data.bin");
    await store.storage.put(key, Buffer.from("hello"), "application/octet-stream");
    const url = await store.storage.createDownloadUrl(key, { expiresInSec: 60, contentType: "text/plain" });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(res.headers.get("content-disposition")).toBeNull();
    expect(await res.text()).toBe("hello");
  });

  it("answers 404 from a download URL for a missing key", async () => {
    const url = await store.storage.createDownloadUrl(freshKey("missing.png"), { expiresInSec: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });

  it("rejects unsafe keys and bad options before touching storage", async () => {
    for (const key of [
      "../etc/passwd",
      "/abs/file.png",
      "a//b",
      "a/./b",
      "a/../../b",
      ".hidden",
      "sp ace",
      "",
    ]) {
      await expectAppError(store.storage.put(key, png, "image/png"), "VALIDATION_ERROR");
      await expectAppError(store.storage.get(key), "VALIDATION_ERROR");
    }
    await expectAppError(
      store.storage.createUploadUrl("../x.png", {
        contentType: "image/png",
        contentLength: 1,
        expiresInSec: 60,
      }),
      "VALIDATION_ERROR",
    );
    await expectAppError(
      store.storage.createUploadUrl(freshKey("x.png"), {
        contentType: "image/png",
        contentLength: 1,
        expiresInSec: 8 * 24 * 3600,
      }),
      "VALIDATION_ERROR",
    );
    await expectAppError(
      store.storage.put(freshKey("x"), png, "not a type\r\nX-Evil: 1"),
      "VALIDATION_ERROR",
    );
  });
});

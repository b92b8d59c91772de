import { tmpdir } from "node:os";
import { isAppError } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { createStorage } from "./createStorage.ts";

const secret = "a-secret-that-is-at-least-32-chars-long";

describe("createStorage", () => {
  it("builds local disk storage whose URLs sit under the public base URL", async () => {
    const storage = createStorage({
      kind: "local",
      dir: tmpdir(),
      publicBaseUrl: "https://app.example.test/",
      secret,
    });
    expect(storage.kind).toBe("local");
    const url = await storage.createDownloadUrl("orgs/o1/a.png", { expiresInSec: 60 });
    expect(url.startsWith("https://app.example.test/storage/orgs/o1/a.png?")).toBe(true);
  });

  it("builds S3 storage", () => {
    const storage = createStorage({ kind: "s3", bucket: "b", region: "us-east-1" });
    expect(storage.kind).toBe("s3");
    if (storage.kind === "s3") storage.close();
  });

  it("refuses a configuration that cannot work, with CONFIG_ERROR naming the field", () => {
    const attempts = [
      { kind: "local", dir: tmpdir(), publicBaseUrl: "https://app.example.test", secret: "short" },
      { kind: "local", dir: tmpdir(), publicBaseUrl: "not a url", secret },
      { kind: "s3", bucket: "b", region: "r", accessKeyId: "only-the-id" },
      { kind: "gcs", bucket: "b" },
    ];
    for (const config of attempts) {
      let err: unknown;
      try {
        createStorage(config as Parameters<typeof createStorage>[0]);
      } catch (e) {
        err = e;
      }
      expect(isAppError(err, "CONFIG_ERROR"), JSON.stringify(config)).toBe(true);
    }
  });
});

import { createServer } from "node:net";
import { isAppError } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { S3Storage } from "./S3Storage.ts";
import type { S3StorageConfig } from "./storageConfig.ts";

const config: S3StorageConfig = {
  kind: "s3",
  bucket: "atelier",
  region: "auto",
  endpoint: "http://minio.internal:9000",
  forcePathStyle: true,
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("S3Storage presigned URLs", () => {
  it("signs the upload's type, length and create-only condition, and carries no checksum a browser body could not match", async () => {
    const storage = new S3Storage(config);
    const target = await storage.createUploadUrl("orgs/o1/a.png", {
      contentType: "image/png",
      contentLength: 1234,
      expiresInSec: 300,
    });
    const url = new URL(target.url);
    expect(`${url.origin}${url.pathname}`).toBe("http://minio.internal:9000/atelier/orgs/o1/a.png");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("300");
    expect(url.searchParams.get("X-Amz-SignedHeaders")?.split(";")).toEqual(
      expect.arrayContaining(["content-length", "content-type", "host", "if-none-match"]),
    );
    expect(target.url.toLowerCase()).not.toContain("checksum");
    // If-None-Match: * makes S3, MinIO and R2 refuse a second PUT to the same URL (412).
    expect(target.headers).toEqual({ "Content-Type": "image/png", "If-None-Match": "*" });
    storage.close();
  });

  it("builds browser URLs against the public endpoint when one is set", async () => {
    const storage = new S3Storage({ ...config, publicEndpoint: "https://files.example.test" });
    const download = new URL(
      await storage.createDownloadUrl("orgs/o1/out.png", { expiresInSec: 60, filename: "out.png" }),
    );
    expect(`${download.origin}${download.pathname}`).toBe(
      "https://files.example.test/atelier/orgs/o1/out.png",
    );
    expect(download.searchParams.get("response-content-disposition")).toContain('filename="out.png"');
    const upload = await storage.createUploadUrl("orgs/o1/in.png", {
      contentType: "image/png",
      contentLength: 1,
      expiresInSec: 60,
    });
    expect(new URL(upload.url).origin).toBe("https://files.example.test");
    storage.close();
  });

  it("reports UPSTREAM_ERROR when the store cannot be reached", async () => {
    const storage = new S3Storage({ ...config, endpoint: `http://127.0.0.1:${await closedPort()}` });
    const err = await storage.head("orgs/o1/a.png").catch((e: unknown) => e);
    expect(isAppError(err, "UPSTREAM_ERROR")).toBe(true);
    storage.close();
  });
});

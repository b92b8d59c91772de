/// <reference path="./s3rver.d.ts" />
import type { S3StorageConfig } from "./storageConfig.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import {
  createLocalStorageHandler,
  type LocalStorageHandlerOptions,
  type StorageRequestHandler,
} from "./createLocalStorageHandler.ts";
import { LocalDiskStorage, type LocalDiskStorageOptions } from "./LocalDiskStorage.ts";
import { S3Storage } from "./S3Storage.ts";

export interface TestStore<S> {
  storage: S;
  baseUrl: string;
  dir: string;
  close(): Promise<void>;
}

/** A LocalDiskStorage in a temp folder behind a bare node:http server on a random port. */
export async function startLocalStore(
  options: LocalDiskStorageOptions & LocalStorageHandlerOptions = {},
): Promise<TestStore<LocalDiskStorage>> {
  const dir = await mkdtemp(join(tmpdir(), "atelier-storage-"));
  let handle: StorageRequestHandler | null = null;
  const server = createServer((req, res) => {
    void handle?.(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end("not a storage path");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = new LocalDiskStorage(
    { kind: "local", dir, publicBaseUrl: baseUrl, secret: "test-secret-of-at-least-32-characters!!" },
    options,
  );
  handle = createLocalStorageHandler(storage, options);
  return {
    storage,
    baseUrl,
    dir,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** s3rver on a random loopback port with a temp folder and one bucket; its built-in account ignores signatures. */
export async function startS3rver(): Promise<{
  config: S3StorageConfig;
  dir: string;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "atelier-s3rver-"));
  const bucket = "atelier-test";
  const s3rver = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await s3rver.run();
  const config: S3StorageConfig = {
    kind: "s3",
    bucket,
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
  };
  return {
    config,
    dir,
    async close() {
      await s3rver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An S3Storage against s3rver. */
export async function startS3Store(): Promise<TestStore<S3Storage>> {
  const server = await startS3rver();
  const storage = new S3Storage(server.config);
  return {
    storage,
    baseUrl: server.config.endpoint!,
    dir: server.dir,
    async close() {
      storage.close();
      await server.close();
    },
  };
}

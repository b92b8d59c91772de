import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalDiskStorage } from "./LocalDiskStorage.ts";

let dir: string;
let storage: LocalDiskStorage;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "atelier-local-"));
  storage = new LocalDiskStorage({
    kind: "local",
    dir,
    publicBaseUrl: "http://localhost:3000",
    secret: "a-secret-that-is-at-least-32-chars-long",
  });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("LocalDiskStorage on disk", () => {
  it("keeps every object inside its folder, whatever the key looks like", async () => {
    await storage.put("orgs/o1/very/deep/key-with.dots.png", Buffer.from("x"), "image/png");
    const objects = await readdir(join(dir, "objects"), { recursive: true });
    expect(objects.every((p) => !p.includes(".."))).toBe(true);
    expect(objects.filter((p) => p.endsWith(".bin"))).toHaveLength(1);
  });

  it("clears uploads a crash left half-written, and only old ones", async () => {
    await mkdir(join(dir, "tmp"), { recursive: true });
    const old = join(dir, "tmp", "old.bin");
    const fresh = join(dir, "tmp", "fresh.bin");
    await writeFile(old, "partial");
    await writeFile(fresh, "in flight");
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(old, twoDaysAgo, twoDaysAgo);

    expect(await storage.removeStaleTempFiles()).toBe(1);
    expect(await readdir(join(dir, "tmp"))).toEqual(["fresh.bin"]);
  });

  it("reads the whole old or the whole new object while it is being replaced", async () => {
    const a = Buffer.alloc(256 * 1024, 0x61);
    const b = Buffer.alloc(512 * 1024, 0x62);
    await storage.put("k/obj", a, "application/octet-stream");
    const writes = Array.from({ length: 10 }, (_, i) =>
      storage.put("k/obj", i % 2 ? a : b, "application/octet-stream"),
    );
    const reads = Array.from({ length: 30 }, () => storage.get("k/obj"));
    await Promise.all(writes);
    for (const read of await Promise.all(reads)) {
      const whole =
        (read.length === a.length && read.equals(a)) || (read.length === b.length && read.equals(b));
      expect(whole).toBe(true);
    }
  });
});

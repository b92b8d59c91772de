import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturesDir } from "@atelier/shared/testing";
import { afterAll, describe, expect, it } from "vitest";
import { crc32, createZip, uniqueNames } from "./zip.ts";

const dir = mkdtempSync(join(tmpdir(), "atelier-zip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasUnzip = spawnSync("unzip", ["-v"]).status === 0;
/** As root, `runuser` extracts as the unprivileged "nobody", the way another person on the machine would. */
const canRunAsNobody =
  hasUnzip && process.getuid?.() === 0 && spawnSync("runuser", ["-u", "nobody", "--", "true"]).status === 0;

const bytes = (text: string) => new TextEncoder().encode(text);

describe("store-only zip", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(bytes("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it("keeps names unique and inside the archive", () => {
    expect(uniqueNames(["a.png", "a.png", "/etc/passwd", "../x", "a.png", "noext", "noext"])).toEqual([
      "a.png",
      "a (2).png",
      "etc/passwd",
      "_/x",
      "a (3).png",
      "noext",
      "noext (2)",
    ]);
  });

  it("writes the entries, central directory and end record at consistent offsets", () => {
    const zip = createZip([
      { name: "a.txt", data: bytes("hello") },
      { name: "b.txt", data: bytes("world!") },
    ]);
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const end = zip.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    expect(view.getUint16(end + 10, true)).toBe(2);
    const centralOffset = view.getUint32(end + 16, true);
    expect(view.getUint32(centralOffset, true)).toBe(0x02014b50);
    expect(view.getUint32(centralOffset + 16, true)).toBe(crc32(bytes("hello")));
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    // Name, then the 9-byte "UT" timestamp field, then the data.
    expect(new TextDecoder().decode(zip.slice(30 + 5 + 9, 30 + 5 + 9 + 5))).toBe("hello");
  });

  it.skipIf(!hasUnzip)("makes an archive that unzip lists, tests and extracts byte for byte", () => {
    const png = readFileSync(join(fixturesDir, "coffee.png"));
    const path = join(dir, "outputs.zip");
    writeFileSync(
      path,
      createZip([
        { name: "coffee.png", data: png, modified: new Date(2025, 4, 6, 7, 8, 10) },
        { name: "coffee.png", data: bytes("second") },
        { name: "café notes.txt", data: bytes("ünïcode") },
        { name: "empty.txt", data: new Uint8Array() },
      ]),
    );
    const env = { ...process.env, LC_ALL: "C.UTF-8" };
    const listing = execFileSync("unzip", ["-l", path], { encoding: "utf8", env });
    expect(listing).toContain("coffee.png");
    expect(listing).toContain("coffee (2).png");
    expect(listing).toContain("café notes.txt");
    expect(listing).toContain("2025-05-06 07:08");
    expect(listing).toMatch(/4 files/);
    expect(execFileSync("unzip", ["-t", path], { encoding: "utf8", env })).toContain("No errors detected");
    execFileSync("unzip", ["-q", path, "-d", join(dir, "out")], { env });
    expect(readFileSync(join(dir, "out", "coffee.png")).equals(png)).toBe(true);
    expect(readFileSync(join(dir, "out", "café notes.txt"), "utf8")).toBe("ünïcode");
  });

  it.skipIf(!canRunAsNobody)("extracts as another user into readable 0644 files with their times", () => {
    const modified = new Date(Date.UTC(2025, 4, 6, 7, 8, 10));
    const path = join(dir, "shared.zip");
    writeFileSync(
      path,
      createZip([
        { name: "astronaut.cutout.png", data: bytes("png bytes"), modified },
        { name: "astronaut.mask.png", data: bytes("mask bytes"), modified },
      ]),
    );
    const out = mkdtempSync(join(tmpdir(), "atelier-zip-nobody-"));
    try {
      chmodSync(out, 0o777);
      chmodSync(dir, 0o755);
      chmodSync(path, 0o644);
      const unzip = spawnSync("runuser", ["-u", "nobody", "--", "unzip", "-q", path, "-d", out], {
        encoding: "utf8",
      });
      expect(unzip.status, unzip.stderr).toBe(0);
      const cat = spawnSync("runuser", ["-u", "nobody", "--", "cat", join(out, "astronaut.cutout.png")], {
        encoding: "utf8",
      });
      expect(cat.stdout).toBe("png bytes");
      for (const name of ["astronaut.cutout.png", "astronaut.mask.png"]) {
        const info = statSync(join(out, name));
        expect((info.mode & 0o777).toString(8)).toBe("644");
        expect(info.mtime.toISOString()).toBe(modified.toISOString());
      }
      const zipinfo = execFileSync("zipinfo", [path], { encoding: "utf8" });
      expect(zipinfo).toMatch(/-rw-r--r--.*astronaut\.cutout\.png/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

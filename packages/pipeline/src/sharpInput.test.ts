import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runStep, fixturesDir } from "./testing/stepHarness.ts";
import { openUntrusted } from "./sharpInput.ts";
import { normalizeStep } from "./steps/normalize.ts";

/** A syntactically valid PNG whose header claims width x height but carries one row of data. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    data.copy(out, 8);
    out.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "latin1"), data])), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(1 + width * 3))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

const normalize = (data: Buffer, name = "upload") =>
  runStep(normalizeStep, {}, [{ name, mediaType: "image/png", data }]);

describe("untrusted input", () => {
  it("rejects a truncated JPEG as CORRUPT_IMAGE", async () => {
    await expect(normalize(readFileSync(`${fixturesDir}/truncated.jpg`))).rejects.toMatchObject({
      code: "CORRUPT_IMAGE",
    });
  });

  it("rejects a PNG whose header claims 30000x30000 before decoding it", async () => {
    await expect(normalize(pngClaiming(30000, 30000))).rejects.toMatchObject({
      code: "IMAGE_TOO_LARGE",
      details: expect.objectContaining({ width: 30000, height: 30000 }),
    });
  });

  it("rejects text named .png as UNSUPPORTED_MEDIA", async () => {
    await expect(normalize(Buffer.from("hello, I am a text file\n"), "notes.png")).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA",
    });
  });

  it("rejects SVG (which would reach librsvg) and zero bytes", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(openUntrusted(svg, { maxInputPixels: 1e6 })).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA",
    });
    await expect(normalize(Buffer.alloc(0))).rejects.toMatchObject({ code: "EMPTY_FILE" });
  });

  it("decodes the real fixtures and re-encodes them as PNG", async () => {
    const { result } = await normalize(readFileSync(`${fixturesDir}/chelsea.png`));
    expect([result.images[0]!.width, result.images[0]!.height, result.images[0]!.mediaType]).toEqual([
      451,
      300,
      "image/png",
    ]);
  });
});

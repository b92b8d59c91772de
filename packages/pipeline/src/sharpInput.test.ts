import { readFileSync } from "node:fs";
import { pngClaiming } from "@atelier/shared/testing";
import { describe, expect, it } from "vitest";
import { runStep, fixturesDir } from "./testing/stepHarness.ts";
import { openUntrusted } from "./sharpInput.ts";
import { normalizeStep } from "./steps/normalize.ts";

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

import { readFileSync } from "node:fs";
import { createLogger, isAppError } from "@atelier/shared";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { subjectBox } from "../analysis/subjectBox.ts";
import { fixture, fixturesDir, type HarnessRun, runStep, testEnv } from "../testing/stepHarness.ts";
import { removeBackgroundStep, segmentSubject } from "./removeBackground.ts";

async function alphaAt(png: Buffer, x: number, y: number): Promise<number> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return data[(y * info.width + x) * info.channels + 3]!;
}

describe("remove-background on coffee.png (ISNet, one session for the file)", () => {
  let run: HarnessRun;
  beforeAll(async () => {
    run = await runStep(removeBackgroundStep, {}, [fixture("coffee.png")]);
  });

  it("gives an RGBA PNG cutout the size of the photo", async () => {
    const cutout = run.result.images[0]!;
    expect(cutout.name).toBe("cutout");
    expect(cutout.mediaType).toBe("image/png");
    const meta = await sharp(cutout.data).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(["png", 600, 400, 4]);
  });

  it("keeps the cup opaque and makes the table corners transparent", async () => {
    const png = run.result.images[0]!.data;
    expect(await alphaAt(png, 290, 150)).toBeGreaterThan(230); // the coffee in the cup
    expect(await alphaAt(png, 230, 260)).toBeGreaterThan(230); // the cup's handle
    for (const [x, y] of [
      [5, 5],
      [594, 5],
      [5, 394],
      [594, 394],
    ] as const) {
      expect(await alphaAt(png, x, y)).toBeLessThan(20);
    }
  });

  it("gives a one-channel mask whose solid part is the cup and saucer", async () => {
    const maskFile = run.result.files!.find((f) => f.name === "mask")!;
    const meta = await sharp(maskFile.data).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(["png", 600, 400, 1]);
    const data = await sharp(maskFile.data).extractChannel(0).raw().toBuffer();
    const box = (await subjectBox({ data, width: 600, height: 400 }))!;
    // The saucer spans roughly x 76..480 and y 15..390 in the photo.
    expect(box.x).toBeGreaterThan(50);
    expect(box.x).toBeLessThan(110);
    expect(box.x + box.width).toBeGreaterThan(450);
    expect(box.x + box.width).toBeLessThan(520);
    expect(box.y).toBeLessThan(40);
    expect(box.y + box.height).toBeGreaterThan(360);
    expect(run.result.data).toMatchObject({ model: "isnet-medium", provider: "cpu" });
  });

  it("reports progress up to 1 and a preview", () => {
    expect(run.progress.at(-1)).toBe(1);
    expect(run.previews).toHaveLength(1);
  });
});

describe("remove-background options", () => {
  it("gives a feathered WebP cutout of a drawn subject", async () => {
    // A red disc on white: the kind of product shot a user cuts out.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
      <rect width="100%" height="100%" fill="#ffffff"/><circle cx="160" cy="120" r="70" fill="#c0392b"/></svg>`;
    const input = {
      name: "disc",
      mediaType: "image/png",
      data: await sharp(Buffer.from(svg)).png().toBuffer(),
    };
    const { result } = await runStep(removeBackgroundStep, { format: "webp", feather: 4 }, [input]);
    const cutout = result.images[0]!;
    expect(cutout.mediaType).toBe("image/webp");
    const meta = await sharp(cutout.data).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(["webp", 320, 240, true]);
    expect(await alphaAt(cutout.data, 160, 120)).toBeGreaterThan(230);
    expect(await alphaAt(cutout.data, 10, 10)).toBeLessThan(20);
    expect(cutout.meta).toMatchObject({ feather: 4 });
  });
});

describe("remove-background on bad input and cancellation", () => {
  it("rejects a truncated JPEG with CORRUPT_IMAGE", async () => {
    const data = readFileSync(`${fixturesDir}/truncated.jpg`);
    const err = await segmentSubject(data, testEnv, new AbortController().signal).catch((e) => e);
    expect(isAppError(err, "CORRUPT_IMAGE")).toBe(true);
  });

  it("rejects an image over the pixel limit with IMAGE_TOO_LARGE", async () => {
    const err = await runStep(removeBackgroundStep, {}, [fixture("coffee.png")], {
      env: { maxInputPixels: 100_000 },
    }).catch((e) => e);
    expect(isAppError(err, "IMAGE_TOO_LARGE")).toBe(true);
  });

  it("stops with CANCELLED when aborted while the model runs", async () => {
    const controller = new AbortController();
    const input = fixture("chelsea.png");
    const started = removeBackgroundStep.run({
      params: removeBackgroundStep.params.parse({ format: "webp" }),
      inputs: [input],
      signal: controller.signal,
      progress: (_fraction, note) => {
        if (note === "segmenting") controller.abort();
      },
      preview: async () => {},
      log: createLogger("test", "silent"),
      env: testEnv,
    });
    const err = await started.catch((e) => e);
    expect(isAppError(err, "CANCELLED")).toBe(true);
  });
});

import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { fixture, runStep } from "../testing/stepHarness.ts";
import { upscaleStep } from "./upscale.ts";

describe("upscale", () => {
  it("enlarges tile by tile without visible seams, reporting progress per tile", async () => {
    const input = fixture("chelsea.png");
    const { result, progress } = await runStep(upscaleStep, { scale: 2, tileSize: 128 }, [input]);
    const out = result.images[0]!;
    expect([out.width, out.height]).toEqual([902, 600]);
    expect(progress.length).toBe(4 * 3);
    expect(progress.at(-1)).toBe(1);
    const tiled = await sharp(out.data).removeAlpha().raw().toBuffer();
    const whole = await sharp(input.data)
      .resize(902, 600, { kernel: "lanczos3", fit: "fill" })
      .removeAlpha()
      .raw()
      .toBuffer();
    let diff = 0;
    for (let i = 0; i < whole.length; i++) diff += Math.abs(whole[i]! - tiled[i]!);
    expect(diff / whole.length).toBeLessThan(1.5);
  });

  it("says so when the named super-resolution model is not installed", async () => {
    await expect(runStep(upscaleStep, { model: "esrgan-x2" }, [fixture("text.png")])).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

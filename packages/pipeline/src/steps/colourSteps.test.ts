import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { labStats } from "../colour/labTransfer.ts";
import { fixture, runStep } from "../testing/stepHarness.ts";
import { cartoonizeStep } from "./cartoonize.ts";
import { harmonizeStep } from "./harmonize.ts";

async function colourCount(png: Buffer): Promise<number> {
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i += 3) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
  return seen.size;
}

describe("cartoonize", () => {
  it("turns a photo into a handful of flat colours with dark outlines, same size", async () => {
    const input = fixture("chelsea.png");
    const { result } = await runStep(cartoonizeStep, { colours: 8 }, [input]);
    const out = result.images[0]!;
    expect(await colourCount(input.data)).toBeGreaterThan(10000);
    expect(await colourCount(out.data)).toBeLessThanOrEqual(9);
    expect([out.width, out.height]).toEqual([451, 300]);
  });
});

describe("harmonize", () => {
  it("moves each image's Lab statistics to the reference's", async () => {
    const [coffee, chelsea] = [fixture("coffee.png"), fixture("chelsea.png")];
    const { result } = await runStep(harmonizeStep, { method: "lab-transfer", reference: 0 }, [
      coffee,
      chelsea,
    ]);
    const raw = async (b: Buffer) => await sharp(b).ensureAlpha().raw().toBuffer();
    const target = labStats(await raw(coffee.data));
    const before = labStats(await raw(chelsea.data));
    const after = labStats(await raw(result.images[1]!.data));
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(after.mean[c]! - target.mean[c]!)).toBeLessThan(
        Math.abs(before.mean[c]! - target.mean[c]!) * 0.5 + 1,
      );
    }
  });

  it("draws every image with one shared palette", async () => {
    const { result } = await runStep(harmonizeStep, { method: "palette", colours: 6 }, [
      fixture("coffee.png"),
      fixture("chelsea.png"),
    ]);
    const palette = new Set((result.data!.palette as string[]).map((h) => Number.parseInt(h.slice(1), 16)));
    for (const image of result.images) {
      const { data } = await sharp(image.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      for (let i = 0; i < data.length; i += 3 * 97) {
        expect(palette.has((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!)).toBe(true);
      }
    }
  });
});

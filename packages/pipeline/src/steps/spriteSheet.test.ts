import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { packRects } from "../sprites/maxRects.ts";
import { cropRaw, opaqueBounds, rotateClockwise } from "../sprites/trimFrame.ts";
import { runStep } from "../testing/stepHarness.ts";
import type { Artifact } from "../step.ts";
import { spriteSheetStep } from "./spriteSheet.ts";

/** A transparent frame with a coloured, textured blob somewhere inside it. */
async function spriteFrame(
  name: string,
  w: number,
  h: number,
  blob: { x: number; y: number; w: number; h: number },
  hue: number,
): Promise<Artifact> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <ellipse cx="${blob.x + blob.w / 2}" cy="${blob.y + blob.h / 2}" rx="${blob.w / 2}" ry="${blob.h / 2}" fill="hsl(${hue},80%,50%)"/>
    <rect x="${blob.x + blob.w / 4}" y="${blob.y + blob.h / 4}" width="${blob.w / 3}" height="${blob.h / 5}" fill="#ffffff"/></svg>`;
  return { name, mediaType: "image/png", data: await sharp(Buffer.from(svg)).png().toBuffer() };
}

async function rgba(png: Buffer) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 4 as const };
}

type Json = {
  frames: Record<
    string,
    {
      frame: { x: number; y: number; w: number; h: number };
      rotated: boolean;
      trimmed: boolean;
      spriteSourceSize: { x: number; y: number; w: number; h: number };
      sourceSize: { w: number; h: number };
    }
  >;
  meta: { image: string; size: { w: number; h: number }; scale: string };
};

describe("sprite-sheet", () => {
  for (const allowRotation of [false, true]) {
    it(`describes exactly the frames in the atlas (rotation ${allowRotation ? "on" : "off"})`, async () => {
      const inputs = [
        await spriteFrame("hero", 64, 64, { x: 10, y: 6, w: 40, h: 50 }, 10),
        await spriteFrame("coin", 32, 32, { x: 4, y: 4, w: 24, h: 24 }, 50),
        await spriteFrame("sword", 96, 40, { x: 2, y: 10, w: 90, h: 16 }, 200),
        await spriteFrame("tree", 48, 128, { x: 4, y: 0, w: 40, h: 128 }, 120),
      ];
      const { result } = await runStep(spriteSheetStep, { allowRotation, padding: 2 }, inputs);
      const atlasPng = result.images[0]!.data;
      const atlas = await rgba(atlasPng);
      const hash = JSON.parse(result.files!.find((f) => f.name === "atlas")!.data.toString()) as Json;
      const array = JSON.parse(result.files!.find((f) => f.name === "atlas-array")!.data.toString()) as {
        frames: Array<{ filename: string }>;
      };
      expect(hash.meta.size).toEqual({ w: atlas.width, h: atlas.height });
      expect(hash.meta.image).toBe("atlas.png");
      expect(array.frames.map((f) => f.filename).sort()).toEqual(Object.keys(hash.frames).sort());
      expect(Object.keys(hash.frames).sort()).toEqual(["coin", "hero", "sword", "tree"]);

      for (const input of inputs) {
        const entry = hash.frames[input.name]!;
        const source = await rgba(input.data);
        const bounds = opaqueBounds(source);
        expect(entry.spriteSourceSize).toEqual({
          x: bounds.x,
          y: bounds.y,
          w: bounds.width,
          h: bounds.height,
        });
        expect(entry.sourceSize).toEqual({ w: source.width, h: source.height });
        expect(entry.trimmed).toBe(true);
        const expected = cropRaw(source, bounds);
        const stored = cropRaw(atlas, {
          x: entry.frame.x,
          y: entry.frame.y,
          width: entry.rotated ? entry.frame.h : entry.frame.w,
          height: entry.rotated ? entry.frame.w : entry.frame.h,
        });
        const want = entry.rotated ? rotateClockwise(expected) : expected;
        let differing = 0;
        for (let k = 0; k < want.data.length; k++) if (stored.data[k] !== want.data[k]) differing++;
        expect({ name: input.name, differing }).toEqual({ name: input.name, differing: 0 });
      }
    });
  }

  it("takes every page of an animated GIF as a frame", async () => {
    const pages = await Promise.all(
      [0, 1, 2].map((i) =>
        sharp({ create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
          .composite([
            {
              input: { create: { width: 6, height: 6, channels: 4, background: "#ff0000" } },
              left: 2 + i * 5,
              top: 7,
            },
          ])
          .png()
          .toBuffer(),
      ),
    );
    const gif = await sharp(pages, { join: { animated: true } })
      .gif()
      .toBuffer();
    const { result } = await runStep(spriteSheetStep, {}, [
      { name: "walk", mediaType: "image/gif", data: gif },
    ]);
    const hash = JSON.parse(result.files![0]!.data.toString()) as Json & {
      animations: Record<string, string[]>;
    };
    expect(hash.animations.walk).toEqual(["walk-000", "walk-001", "walk-002"]);
    expect(hash.frames["walk-002"]!.spriteSourceSize).toEqual({ x: 12, y: 7, w: 6, h: 6 });
  });

  it("packs without overlaps", () => {
    const items = Array.from({ length: 60 }, (_, i) => ({
      width: 5 + ((i * 37) % 60),
      height: 5 + ((i * 53) % 45),
    }));
    const packed = packRects(items, { maxSize: 2048, padding: 1, allowRotation: true, powerOfTwo: false })!;
    const rects = packed.placements;
    for (let i = 0; i < rects.length; i++) {
      const a = rects[i]!;
      expect(a.x + a.width).toBeLessThanOrEqual(packed.width);
      expect(a.y + a.height).toBeLessThanOrEqual(packed.height);
      for (let j = i + 1; j < rects.length; j++) {
        const b = rects[j]!;
        expect(
          a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height,
        ).toBe(false);
      }
    }
    const used = items.reduce((s, it) => s + it.width * it.height, 0);
    expect(used / (packed.width * packed.height)).toBeGreaterThan(0.6);
  });
});

import { AppError, commonSourceName, outputFileName } from "@atelier/shared";
import { z } from "zod";
import {
  decodeRgba,
  openArtifact,
  type RawImage,
  rawToSharp,
  sourceOf,
  throwIfAborted,
  toArtifact,
} from "../imageIo.ts";
import { type AtlasFrame, type AtlasMeta, atlasArrayJson, atlasHashJson } from "../sprites/atlasJson.ts";
import { packRects } from "../sprites/maxRects.ts";
import { cropRaw, opaqueBounds, pasteRaw, rotateClockwise } from "../sprites/trimFrame.ts";
import { type Artifact, defineStep } from "../step.ts";

export const spriteSheetParams = z
  .object({
    /** Transparent pixels between frames. */
    padding: z.number().int().min(0).max(64).default(2),
    maxSize: z.number().int().min(16).max(16384).default(4096),
    /** Cut each frame to its non-transparent pixels (the JSON keeps the original size and offset). */
    trim: z.boolean().default(true),
    allowRotation: z.boolean().default(false),
    powerOfTwo: z.boolean().default(false),
    /**
     * The outputs' role: <input>.<name>.png (meta.image), <input>.<name>.json (hash) and
     * <input>.<name>-array.json, where <input> is what the inputs' names share.
     */
    name: z
      .string()
      .max(64)
      .regex(/^[\w-]+$/)
      .default("atlas"),
  })
  .strict();

interface Frame {
  name: string;
  animation: string;
  trimmed: RawImage;
  offset: { x: number; y: number };
  source: { width: number; height: number };
}

export const spriteSheetStep = defineStep({
  name: "sprite-sheet",
  description:
    "Pack frames from several images or animated GIF/WebP pages into a PNG atlas with TexturePacker JSON.",
  params: spriteSheetParams,
  takes: "images",
  gives: "image/png + application/json",
  vramMb: 0,
  price: { perRun: 2 },
  expectedMs: 500,
  models: [],
  // The packer grows the sheet up to maxSize on each side; plan for the largest.
  plannedOutputs: (p) => [{ width: p.maxSize, height: p.maxSize }],
  async run(ctx) {
    const p = ctx.params;
    if (ctx.inputs.length === 0)
      throw new AppError("VALIDATION_ERROR", "A sprite sheet needs at least one image.", {});
    const frames: Frame[] = [];
    const usedNames = new Set<string>();
    for (const [index, input] of ctx.inputs.entries()) {
      throwIfAborted(ctx.signal);
      frames.push(...(await framesOf(input, ctx.env.maxInputPixels, p.trim, usedNames)));
      ctx.progress(((index + 1) / ctx.inputs.length) * 0.5, "reading frames");
    }
    const packed = packRects(
      frames.map((f) => ({ width: f.trimmed.width, height: f.trimmed.height })),
      { maxSize: p.maxSize, padding: p.padding, allowRotation: p.allowRotation, powerOfTwo: p.powerOfTwo },
    );
    if (!packed) {
      throw new AppError("VALIDATION_ERROR", `The frames do not fit in a ${p.maxSize}x${p.maxSize} atlas.`, {
        path: ["maxSize"],
        frames: frames.length,
      });
    }
    ctx.progress(0.7, "drawing atlas");
    // Copied row by row: compositing "over" a transparent canvas would round half-transparent edge colours.
    const canvas: RawImage = {
      data: Buffer.alloc(packed.width * packed.height * 4),
      width: packed.width,
      height: packed.height,
      channels: 4,
    };
    frames.forEach((frame, i) => {
      const at = packed.placements[i]!;
      pasteRaw(canvas, at.rotated ? rotateClockwise(frame.trimmed) : frame.trimmed, at.x, at.y);
    });
    // Named here as every client will save it, so the JSON's meta.image finds the sheet beside it.
    const source = commonSourceName(ctx.inputs.map(sourceOf));
    const atlas = await toArtifact(p.name, rawToSharp(canvas), "png", source ? { meta: { source } } : {});

    const atlasFrames: AtlasFrame[] = frames.map((frame, i) => {
      const at = packed.placements[i]!;
      return {
        name: frame.name,
        frame: { x: at.x, y: at.y, w: frame.trimmed.width, h: frame.trimmed.height },
        rotated: at.rotated,
        trimmed: frame.trimmed.width !== frame.source.width || frame.trimmed.height !== frame.source.height,
        spriteSourceSize: {
          x: frame.offset.x,
          y: frame.offset.y,
          w: frame.trimmed.width,
          h: frame.trimmed.height,
        },
        sourceSize: { w: frame.source.width, h: frame.source.height },
      };
    });
    const meta: AtlasMeta = {
      app: "atelier",
      version: "1.0",
      image: outputFileName({ source, role: p.name, mediaType: "image/png" }),
      format: "RGBA8888",
      size: { w: packed.width, h: packed.height },
      scale: "1",
    };
    const animations: Record<string, string[]> = {};
    for (const frame of frames) {
      animations[frame.animation] = [...(animations[frame.animation] ?? []), frame.name];
    }
    const json = (name: string, value: unknown): Artifact => ({
      name,
      mediaType: "application/json",
      data: Buffer.from(`${JSON.stringify(value, null, 2)}\n`),
      ...(source ? { meta: { source } } : {}),
    });
    ctx.progress(1);
    await ctx.preview(atlas.data);
    return {
      images: [atlas],
      files: [
        json(p.name, atlasHashJson(atlasFrames, meta, animations)),
        json(`${p.name}-array`, atlasArrayJson(atlasFrames, meta, animations)),
      ],
      data: { frames: frames.length, size: meta.size },
    };
  },
});

async function framesOf(
  input: Artifact,
  maxInputPixels: number,
  trim: boolean,
  usedNames: Set<string>,
): Promise<Frame[]> {
  const opened = await openArtifact(input, { maxInputPixels }, { animated: true });
  const all = await decodeRgba(opened);
  const base = uniqueName(sourceOf(input), usedNames);
  const frames: Frame[] = [];
  for (let page = 0; page < opened.pages; page++) {
    const pixels = cropRaw(all, {
      x: 0,
      y: page * opened.height,
      width: opened.width,
      height: opened.height,
    });
    const box = trim ? opaqueBounds(pixels) : { x: 0, y: 0, width: pixels.width, height: pixels.height };
    frames.push({
      name: opened.pages > 1 ? `${base}-${String(page).padStart(3, "0")}` : base,
      animation: base,
      trimmed: cropRaw(pixels, box),
      offset: { x: box.x, y: box.y },
      source: { width: pixels.width, height: pixels.height },
    });
  }
  return frames;
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = `${name}-${n}`;
  used.add(candidate);
  return candidate;
}

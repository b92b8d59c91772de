import sharp, { type OverlayOptions } from "sharp";
import { z } from "zod";
import { decodeRgba, openArtifact, type RawImage, toArtifact } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { defineStep } from "../step.ts";
import { cropRaw, opaqueBounds, pasteRaw } from "../sprites/trimFrame.ts";

const colour = z
  .string()
  .max(7)
  .regex(/^#[0-9a-fA-F]{6}$/, "a colour like #f4f1ec");

export const backdropParams = z
  .object({
    background: z
      .discriminatedUnion("kind", [
        z.object({ kind: z.literal("solid"), colour }),
        z.object({
          kind: z.literal("gradient"),
          from: colour,
          to: colour,
          /** Direction in degrees: 90 runs top to bottom. */
          angle: z.number().min(0).max(360).default(90),
        }),
      ])
      .default({ kind: "gradient", from: "#ffffff", to: "#e6e6e6", angle: 90 }),
    /** Canvas size; the cutout's own size plus padding when omitted. */
    width: z.number().int().min(16).max(8192).optional(),
    height: z.number().int().min(16).max(8192).optional(),
    /** Without width/height: widen or heighten the canvas to this width/height ratio (more room to crop formats from). */
    aspect: z.number().min(0.1).max(10).optional(),
    /** Free space around the subject, as a fraction of the canvas. */
    padding: z.number().min(0).max(0.45).default(0.1),
    /** "floor": stands on the lower padding line, as in a studio; "center": in the middle. */
    position: z.enum(["floor", "center"]).default("floor"),
    shadow: z
      .object({
        opacity: z.number().min(0).max(1).default(0.35),
        /** Softness, as a fraction of the subject's height. */
        softness: z.number().min(0).max(0.5).default(0.04),
        /** Drop of the shadow below the subject, as a fraction of its height. */
        offset: z.number().min(0).max(0.5).default(0.02),
      })
      .nullable()
      .default({ opacity: 0.35, softness: 0.04, offset: 0.02 }),
  })
  .strict();

export const backdropStep = defineStep({
  name: "backdrop",
  description: "Place a cutout on a solid or gradient studio backdrop with a soft shadow.",
  params: backdropParams,
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  price: { perRun: 2 },
  expectedMs: 600,
  models: [],
  plannedOutputs: (p, inputs) =>
    inputs.map((input) => {
      if (p.width !== undefined && p.height !== undefined) return { width: p.width, height: p.height };
      // At most the whole input as the subject, padded, then widened to the aspect.
      let width = p.width ?? Math.ceil(input.width / (1 - 2 * p.padding));
      let height = p.height ?? Math.ceil(input.height / (1 - 2 * p.padding));
      if (p.aspect) {
        width = Math.max(width, Math.ceil(height * p.aspect));
        height = Math.max(height, Math.ceil(width / p.aspect));
      }
      return { width, height };
    }),
  run: (ctx) =>
    perImage(ctx, async (input) => {
      const p = ctx.params;
      const source = await decodeRgba(await openArtifact(input, ctx.env));
      const subject = cropRaw(source, opaqueBounds(source));
      let width = p.width ?? Math.round(subject.width / (1 - 2 * p.padding));
      let height = p.height ?? Math.round(subject.height / (1 - 2 * p.padding));
      if (p.aspect && p.width === undefined && p.height === undefined) {
        if (width / height < p.aspect) width = Math.round(height * p.aspect);
        else height = Math.round(width / p.aspect);
      }
      const fit = Math.min(
        (width * (1 - 2 * p.padding)) / subject.width,
        (height * (1 - 2 * p.padding)) / subject.height,
      );
      const w = Math.max(1, Math.round(subject.width * fit));
      const h = Math.max(1, Math.round(subject.height * fit));
      const scaled: RawImage = {
        data: await sharp(subject.data, {
          raw: { width: subject.width, height: subject.height, channels: 4 },
        })
          .resize(w, h, { fit: "fill", kernel: "lanczos3" })
          .raw()
          .toBuffer(),
        width: w,
        height: h,
        channels: 4,
      };
      const left = Math.round((width - w) / 2);
      const top =
        p.position === "floor" ? Math.round(height * (1 - p.padding) - h) : Math.round((height - h) / 2);

      const layers: OverlayOptions[] = [];
      if (p.shadow && p.shadow.opacity > 0) {
        layers.push({
          input: await shadowLayer(
            scaled,
            width,
            height,
            left,
            top + Math.round(h * p.shadow.offset),
            p.shadow.opacity,
            h * p.shadow.softness,
          ),
          raw: { width, height, channels: 4 },
        });
      }
      layers.push({ input: scaled.data, raw: { width: w, height: h, channels: 4 }, left, top });
      const canvas = sharp(Buffer.from(backgroundSvg(width, height, p.background))).composite(layers);
      // Later steps (repurpose, text-overlay) read the subject box from here instead of running the models again.
      const subjectBox = { x: left, y: top, width: w, height: h };
      const analysis = { width, height, subject: subjectBox, faces: [], texts: [], colours: [] };
      const out = await toArtifact(input.name, canvas, "png", { meta: { analysis } });
      await ctx.preview(out.data);
      return { images: [out] };
    }),
});

/** The subject's silhouette in black at `opacity`, moved down and blurred. */
async function shadowLayer(
  subject: RawImage,
  width: number,
  height: number,
  left: number,
  top: number,
  opacity: number,
  softness: number,
): Promise<Buffer> {
  const silhouette = Buffer.alloc(subject.data.length);
  for (let i = 3; i < silhouette.length; i += 4) silhouette[i] = Math.round(subject.data[i]! * opacity);
  const canvas: RawImage = { data: Buffer.alloc(width * height * 4), width, height, channels: 4 };
  const clipped = cropRaw(
    { ...subject, data: silhouette },
    {
      x: 0,
      y: 0,
      width: Math.min(subject.width, width - left),
      height: Math.max(1, Math.min(subject.height, height - top)),
    },
  );
  pasteRaw(canvas, clipped, left, Math.min(top, height - 1));
  if (softness < 0.3) return canvas.data;
  return sharp(canvas.data, { raw: { width, height, channels: 4 } })
    .blur(softness)
    .raw()
    .toBuffer();
}

function backgroundSvg(
  width: number,
  height: number,
  bg: z.infer<typeof backdropParams>["background"],
): string {
  if (bg.kind === "solid") {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${bg.colour}"/></svg>`;
  }
  const radians = (bg.angle * Math.PI) / 180;
  const dx = Math.cos(radians) / 2;
  const dy = Math.sin(radians) / 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="${0.5 - dx}" y1="${0.5 - dy}" x2="${0.5 + dx}" y2="${0.5 + dy}"><stop offset="0" stop-color="${bg.from}"/><stop offset="1" stop-color="${bg.to}"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
}

import sharp from "sharp";
import { z } from "zod";
import type { RawImage } from "../analysis/decodeImage.ts";
import { type IsnetModel, type SubjectMask, segmentImage } from "../analysis/segmentSubject.ts";
import { throwIfCancelled } from "../analysis/throwIfCancelled.ts";
import { modelsAvailable } from "../models/modelAvailability.ts";
import { type Artifact, defineStep } from "../step.ts";

export { segmentSubject } from "../analysis/segmentSubject.ts";
export type { SubjectMask } from "../analysis/segmentSubject.ts";

const modelByParam: Record<"small" | "medium", IsnetModel> = { small: "isnet-small", medium: "isnet-medium" };

export const removeBackgroundParams = z.object({
  /** "medium": float32 ISNet (default, what imgly uses by default); "small": the half-size variant. */
  model: z.enum(["small", "medium"]).default("medium"),
  /** Softens the mask edge by about this many pixels (0 keeps the model's own edge). */
  feather: z.number().min(0).max(64).default(0),
  format: z.enum(["png", "webp"]).default("png"),
});

export const removeBackgroundStep = defineStep({
  name: "remove-background",
  description: "Cuts the main subject out of the image (ISNet) and gives a transparent cutout and its mask.",
  params: removeBackgroundParams,
  takes: "image",
  gives: "cutout",
  vramMb: 1200,
  price: { perRun: 2 },
  expectedMs: 4000,
  models: ["isnet-medium", "isnet-small"],
  availability(env) {
    return modelsAvailable(["isnet-medium", "isnet-small"], env);
  },
  async run(ctx) {
    const input = ctx.inputs[0];
    if (!input) return { images: [] };
    const { model, feather, format } = ctx.params;
    ctx.progress(0, "loading model");
    const {
      mask: rawMask,
      rgb,
      provider,
    } = await segmentImage(input.data, ctx.env, ctx.signal, modelByParam[model], (fraction, note) =>
      ctx.progress(fraction * 0.8, note),
    );
    ctx.progress(0.8, "composing cutout");
    const mask = feather > 0 ? await featherMask(rawMask, feather) : rawMask;
    throwIfCancelled(ctx.signal);
    const [cutoutBytes, maskBytes] = await Promise.all([encodeCutout(rgb, mask, format), encodeMask(mask)]);
    throwIfCancelled(ctx.signal);
    await ctx.preview(cutoutBytes);
    ctx.progress(1, "done");
    const size = { width: rgb.width, height: rgb.height };
    const cutout: Artifact = {
      name: "cutout",
      mediaType: format === "png" ? "image/png" : "image/webp",
      data: cutoutBytes,
      ...size,
      meta: { model: modelByParam[model], provider, feather },
    };
    const maskArtifact: Artifact = { name: "mask", mediaType: "image/png", data: maskBytes, ...size };
    return {
      images: [cutout],
      files: [maskArtifact],
      data: { model: modelByParam[model], provider, coverage: coverage(mask) },
    };
  },
});

async function featherMask(mask: SubjectMask, feather: number): Promise<SubjectMask> {
  const data = await sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .blur(Math.max(0.3, feather / 2))
    .toColourspace("b-w")
    .raw()
    .toBuffer();
  return { data, width: mask.width, height: mask.height };
}

function encodeCutout(rgb: RawImage, mask: SubjectMask, format: "png" | "webp"): Promise<Buffer> {
  const image = sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } }).joinChannel(
    Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength),
    { raw: { width: mask.width, height: mask.height, channels: 1 } },
  );
  return format === "png"
    ? image.png({ compressionLevel: 6 }).toBuffer()
    : image.webp({ quality: 90, alphaQuality: 100 }).toBuffer();
}

function encodeMask(mask: SubjectMask): Promise<Buffer> {
  return sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .toColourspace("b-w")
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** Share of the image the subject covers, 0..1. */
function coverage(mask: SubjectMask): number {
  let sum = 0;
  for (const v of mask.data) sum += v;
  return Math.round((sum / (255 * mask.data.length)) * 1000) / 1000;
}

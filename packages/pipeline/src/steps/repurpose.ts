import {
  AppError,
  type CropPlan,
  canvasFillSchema,
  cropPriorityKindSchema,
  defaultOrgRules,
  type Rect,
} from "@atelier/shared";
import { z } from "zod";
import { imageAnalysisSchema } from "../analysisSchema.ts";
import { planCrop } from "@atelier/shared";
import { type CanvasFill, fitToFormat } from "../fitToFormat.ts";
import { availableFormats, MAX_FORMATS_PER_RUN } from "../formats.ts";
import { decodeRgba, openArtifact, type OutputFormat, throwIfAborted, toArtifact } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { resolveAnalysis } from "../resolveAnalysis.ts";
import { type Artifact, type AssetFormat, defineStep } from "../step.ts";

export const repurposeParams = z
  .object({
    /** Format ids to make; all built-in and organisation formats when omitted. */
    formats: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(MAX_FORMATS_PER_RUN)
      .refine((ids) => new Set(ids).size === ids.length, "Name each format once.")
      .optional(),
    /**
     * How the canvas is extended when no crop of the format's aspect keeps the priority box; the
     * organization's canvas fill when omitted.
     */
    fill: canvasFillSchema.optional(),
    fillColour: z.string().max(32).default("#ffffff"),
    /** "auto": PNG when the image has transparency, JPEG otherwise. */
    output: z.enum(["auto", "jpeg", "png", "webp", "avif"]).default("auto"),
    quality: z.number().int().min(1).max(100).optional(),
    /** Overrides the organisation's crop priority for this run. */
    cropPriority: z.array(cropPriorityKindSchema).max(3).optional(),
    /** A stored analysis of this image; skips the models. */
    analysis: imageAnalysisSchema.optional(),
  })
  .strict();

export function resolveFormats(
  ids: readonly string[] | undefined,
  orgFormats: readonly AssetFormat[] = [],
): AssetFormat[] {
  const all = availableFormats(orgFormats);
  if (!ids) return all;
  return ids.map((id) => {
    const format = all.find((f) => f.id === id);
    if (!format) {
      const known = all.map((f) => f.id);
      throw new AppError("VALIDATION_ERROR", `Unknown format "${id}"; choose from ${known.join(", ")}.`, {
        path: ["formats"],
        known,
      });
    }
    return format;
  });
}

export const repurposeStep = defineStep({
  name: "repurpose",
  description: "One image to many asset formats, cropped to keep faces, product and text.",
  params: repurposeParams,
  takes: "image",
  gives: "image/*",
  vramMb: 0,
  price: { perRun: 1, perMegapixel: 0.2 },
  expectedMs: 2500,
  models: [],
  checkParams: (p, env) => void resolveFormats(p.formats, env.org?.formats),
  plannedOutputs: (p, inputs, env) => {
    const all = availableFormats(env.orgFormats);
    const formats = p.formats ? all.filter((f) => p.formats!.includes(f.id)) : all;
    return inputs.flatMap(() => formats.map(({ width, height }) => ({ width, height })));
  },
  run: (ctx) =>
    perImage(ctx, async (input, progress) => {
      const p = ctx.params;
      const formats = resolveFormats(p.formats, ctx.env.org?.formats);
      const priority = p.cropPriority ?? ctx.env.org?.cropPriority ?? defaultOrgRules.cropPriority;
      const opened = await openArtifact(input, ctx.env);
      const [source, analysis] = await Promise.all([
        decodeRgba(opened),
        resolveAnalysis(ctx, input, opened, p.analysis, { subject: true, faces: true, text: true }),
      ]);
      const fillKind = p.fill ?? ctx.env.org?.canvasFill ?? defaultOrgRules.canvasFill;
      const fill: CanvasFill =
        fillKind === "solid" ? { kind: "solid", colour: p.fillColour } : { kind: fillKind };
      // An alpha channel alone says nothing (normalize adds one to every image): only real transparency
      // needs PNG; a photo stays a JPEG a tenth the size.
      const format: OutputFormat = p.output === "auto" ? (isTransparent(source) ? "png" : "jpeg") : p.output;

      const ownRegions = formatRegionsOf(input, source.width, source.height);
      const images = [];
      const crops: Record<string, unknown> = {};
      for (const [index, target] of formats.entries()) {
        throwIfAborted(ctx.signal);
        const own = ownRegions?.[target.id];
        const plan: CropPlan = own
          ? { region: own, kept: null, keptKinds: [], extended: false }
          : planCrop(source.width, source.height, target.width, target.height, analysis, priority);
        const rendered = await fitToFormat(source, plan, target.width, target.height, fill);
        images.push(
          await toArtifact(target.id, rendered, format, {
            quality: p.quality,
            meta: { formatId: target.id, label: target.label, crop: plan },
          }),
        );
        crops[target.id] = plan;
        progress((index + 1) / formats.length, target.id);
      }
      return { images, data: { crops, analysed: analysis !== null } };
    }),
});

/**
 * The formats' own crops a person set in the editor (`meta.formatRegions`, from the job's inputs), scaled
 * to this image; none when an earlier step changed its shape, since they no longer point at the same part.
 */
function formatRegionsOf(input: Artifact, width: number, height: number): Record<string, Rect> | undefined {
  const given = input.meta?.formatRegions as
    | { width: number; height: number; regions: Record<string, Rect> }
    | undefined;
  if (!given || Math.abs(given.width / given.height - width / height) > 0.01 * (width / height))
    return undefined;
  const [sx, sy] = [width / given.width, height / given.height];
  return Object.fromEntries(
    Object.entries(given.regions).map(([id, r]) => [
      id,
      { x: r.x * sx, y: r.y * sy, width: r.width * sx, height: r.height * sy },
    ]),
  );
}

function isTransparent(image: { data: Buffer }): boolean {
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i]! < 255) return true;
  return false;
}

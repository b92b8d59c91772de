import { AppError } from "@atelier/shared";
import { z } from "zod";
import { labStats, transferLabStats } from "../colour/labTransfer.ts";
import { findPalette, mapToPalette, toHex } from "../colour/palette.ts";
import {
  decodeRgba,
  openArtifact,
  type RawImage,
  rawToSharp,
  sourceOf,
  throwIfAborted,
  toArtifact,
} from "../imageIo.ts";
import { defineStep } from "../step.ts";

export const harmonizeParams = z
  .object({
    /** "palette": every image drawn with one shared palette; "lab-transfer": colour statistics moved to the reference's. */
    method: z.enum(["palette", "lab-transfer"]).default("lab-transfer"),
    /** Index of the reference image among the inputs (lab-transfer). */
    reference: z.number().int().min(0).default(0),
    /** Size of the shared palette. */
    colours: z.number().int().min(2).max(64).default(16),
    /** 0..1: how far the lab transfer goes. */
    strength: z.number().min(0).max(1).default(1),
  })
  .strict();

export const harmonizeStep = defineStep({
  name: "harmonize",
  description:
    "Make a set of images look like one family: a shared palette or the reference's colour statistics.",
  params: harmonizeParams,
  takes: "images",
  gives: "image/png",
  vramMb: 0,
  price: { perRun: 1 },
  expectedMs: 800,
  models: [],
  async run(ctx) {
    const p = ctx.params;
    if (ctx.inputs.length === 0) return { images: [] };
    if (p.method === "lab-transfer" && p.reference >= ctx.inputs.length) {
      throw new AppError(
        "VALIDATION_ERROR",
        `There is no image number ${p.reference + 1} to use as the reference.`,
        {
          path: ["reference"],
          inputs: ctx.inputs.length,
        },
      );
    }
    const decoded: RawImage[] = [];
    for (const input of ctx.inputs) decoded.push(await decodeRgba(await openArtifact(input, ctx.env)));
    throwIfAborted(ctx.signal);

    let data: Record<string, unknown>;
    if (p.method === "palette") {
      const palette = findPalette(
        decoded.map((d) => d.data),
        p.colours,
      );
      decoded.forEach((d, i) => {
        mapToPalette(d.data, palette);
        ctx.progress((i + 1) / decoded.length);
      });
      data = { palette: toHex(palette) };
    } else {
      const target = labStats(decoded[p.reference]!.data);
      decoded.forEach((d, i) => {
        if (i !== p.reference) transferLabStats(d.data, labStats(d.data), target, p.strength);
        ctx.progress((i + 1) / decoded.length);
      });
      data = { reference: ctx.inputs[p.reference]!.name, target };
    }
    const images = [];
    for (const [i, d] of decoded.entries()) {
      const input = ctx.inputs[i]!;
      images.push(
        await toArtifact(input.name, rawToSharp(d), "png", {
          meta: { ...input.meta, source: sourceOf(input) },
        }),
      );
    }
    return { images, data };
  },
});

import { AppError, textStyleSchema } from "@atelier/shared";
import { z } from "zod";
import { imageAnalysisSchema } from "../analysisSchema.ts";
import { openArtifact, toArtifact } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { resolveAnalysis } from "../resolveAnalysis.ts";
import { defineStep } from "../step.ts";
import type { TextItem } from "../text/layoutText.ts";
import { placeAutoText, placeTextAt, type TextLayer } from "../text/placeText.ts";
import { resolveTextStyles, styleFor } from "../text/resolveTextStyles.ts";

const relative = z.number().min(0).max(1);

export const textOverlayParams = z
  .object({
    texts: z
      .array(
        z
          .object({
            text: z.string().min(1).max(2000),
            /** A style set name: "title", "subtitle", "body" or one of the organisation's. */
            styleSet: z.string().max(64).default("body"),
            style: textStyleSchema.partial().optional(),
            /** A fixed position (top-left, fractions of the image); without one the text goes in the safe area. */
            at: z.object({ x: relative, y: relative, maxWidth: relative.optional() }).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(20),
    placement: z.enum(["auto", "top", "bottom", "left", "right"]).default("auto"),
    /** A stored analysis of this image; skips the models. */
    analysis: imageAnalysisSchema.optional(),
  })
  .strict();

export const textOverlayStep = defineStep({
  name: "text-overlay",
  description: "Brand text in title/subtitle/body styles, placed where it does not cover the subject.",
  params: textOverlayParams,
  takes: "image",
  gives: "image/png",
  vramMb: 0,
  price: { perRun: 1 },
  expectedMs: 500,
  models: [],
  checkParams(p, env) {
    const known = Object.keys(resolveTextStyles(env.org?.textStyles));
    for (const [index, t] of p.texts.entries()) {
      if (!known.includes(t.styleSet)) {
        throw new AppError(
          "VALIDATION_ERROR",
          `Unknown text style "${t.styleSet}"; choose from ${known.join(", ")}.`,
          { path: ["texts", index, "styleSet"], known },
        );
      }
    }
  },
  run: (ctx) =>
    perImage(ctx, async (input) => {
      const p = ctx.params;
      const opened = await openArtifact(input, ctx.env);
      const { width, height } = opened;
      const styles = resolveTextStyles(ctx.env.org?.textStyles);
      const toItem = (t: (typeof p.texts)[number]): TextItem => ({
        text: t.text,
        style: styleFor(styles, t.styleSet, t.style),
      });

      const layers: TextLayer[] = [];
      const fixed = p.texts.filter((t) => t.at);
      const auto = p.texts.filter((t) => !t.at);
      for (const t of fixed) {
        const layer = placeTextAt(toItem(t), width, height, t.at!);
        if (layer) layers.push(layer);
      }
      let subject = null;
      if (auto.length > 0) {
        const analysis = await resolveAnalysis(ctx, input, opened, p.analysis, { subject: true });
        subject = analysis?.subject ?? null;
        const layer = placeAutoText(auto.map(toItem), width, height, subject, p.placement);
        if (!layer) {
          throw new AppError(
            "VALIDATION_ERROR",
            "The text does not fit beside the subject; shorten it, pick another placement or give it a position.",
            { path: ["texts"], subject },
          );
        }
        layers.push(layer);
      }
      const composed = opened.image
        .rotate()
        .toColourspace("srgb")
        .composite(layers.map((l) => ({ input: l.svg, left: l.left, top: l.top })));
      const image = await toArtifact(input.name, composed, "png");
      return { images: [image], data: { textBoxes: layers.map((l) => l.box), subject } };
    }),
});

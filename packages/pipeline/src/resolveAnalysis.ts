import { isAppError } from "@atelier/shared";
import type { Box, ImageAnalysis } from "./analysis.ts";
import type { Artifact, StepContext } from "./step.ts";

export type AnalysisWant = { subject?: boolean; text?: boolean; faces?: boolean };

/**
 * The analysis of an input, from the cheapest source that has it: the step's params (a
 * caller that stored it earlier), the artifact's meta (the `analyze` step puts it there),
 * or a fresh `analyzeImage` run. The models are imported only when needed, so steps that
 * get their analysis handed in never load ONNX. Returns null when no model is installed.
 */
export async function resolveAnalysis(
  ctx: Pick<StepContext<unknown>, "env" | "signal" | "log">,
  input: Artifact,
  size: { width: number; height: number },
  given: ImageAnalysis | undefined,
  want: AnalysisWant,
): Promise<ImageAnalysis | null> {
  // A caller's analysis is taken as given; one carried from an earlier step only while the picture
  // keeps its shape (a step that cropped or extended it leaves it pointing elsewhere).
  if (given) return scaleAnalysis(given, size.width, size.height);
  const carried = input.meta?.analysis as ImageAnalysis | undefined;
  if (carried && sameShape(carried, size)) return scaleAnalysis(carried, size.width, size.height);
  try {
    const { analyzeImage } = await import("./analysis/analyzeImage.ts");
    return scaleAnalysis(
      await analyzeImage(input.data, { env: ctx.env, signal: ctx.signal, want }),
      size.width,
      size.height,
    );
  } catch (err) {
    if (isAppError(err) && (err.code === "STEP_UNAVAILABLE" || err.code === "MODEL_INTEGRITY")) {
      ctx.log.warn(
        { reason: err.message },
        "analysis unavailable; using centred crops and default safe areas",
      );
      return null;
    }
    if (err instanceof Error && "code" in err && err.code === "ERR_MODULE_NOT_FOUND") {
      ctx.log.warn("analysis module missing; using centred crops and default safe areas");
      return null;
    }
    throw err;
  }
}

/** Analyses made on another rendition of the same picture (a preview, the un-rotated upload) map by scale. */
export function scaleAnalysis(analysis: ImageAnalysis, width: number, height: number): ImageAnalysis {
  if (analysis.width === width && analysis.height === height) return analysis;
  const sx = width / analysis.width;
  const sy = height / analysis.height;
  const scale = (b: Box): Box => ({
    ...b,
    x: b.x * sx,
    y: b.y * sy,
    width: b.width * sx,
    height: b.height * sy,
  });
  return {
    ...analysis,
    width,
    height,
    subject: analysis.subject ? scale(analysis.subject) : null,
    faces: analysis.faces.map(scale),
    texts: analysis.texts.map(scale),
  };
}

function sameShape(a: { width: number; height: number }, b: { width: number; height: number }): boolean {
  return Math.abs(a.width / a.height - b.width / b.height) <= 0.01 * (b.width / b.height);
}

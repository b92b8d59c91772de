import { z } from "zod";
import {
  type AnyStep,
  buildCatalogue,
  type PlannedStep,
  parsePipelineSpec,
  type StepCatalogue,
} from "./pipelineSpec.ts";
import type { Availability, PipelineEnv } from "./step.ts";
import { adjustStep } from "./steps/adjust.ts";
import { analyzeStep } from "./steps/analyze.ts";
import { backdropStep } from "./steps/backdrop.ts";
import { cartoonizeStep } from "./steps/cartoonize.ts";
import { convertStep } from "./steps/convert.ts";
import { cropStep } from "./steps/crop.ts";
import { detectTextStep } from "./steps/detectText.ts";
import { figurineStep } from "./steps/figurine.ts";
import { generateStep } from "./steps/generate.ts";
import { harmonizeStep } from "./steps/harmonize.ts";
import { moderateStep } from "./steps/moderate.ts";
import { normalizeStep } from "./steps/normalize.ts";
import { removeBackgroundStep } from "./steps/removeBackground.ts";
import { repurposeStep } from "./steps/repurpose.ts";
import { resizeStep } from "./steps/resize.ts";
import { spriteSheetStep } from "./steps/spriteSheet.ts";
import { textOverlayStep } from "./steps/textOverlay.ts";
import { upscaleStep } from "./steps/upscale.ts";

export const allSteps: readonly AnyStep[] = [
  normalizeStep,
  removeBackgroundStep,
  detectTextStep,
  analyzeStep,
  repurposeStep,
  adjustStep,
  cropStep,
  resizeStep,
  convertStep,
  textOverlayStep,
  harmonizeStep,
  cartoonizeStep,
  spriteSheetStep,
  upscaleStep,
  moderateStep,
  figurineStep,
  generateStep,
  backdropStep,
];

export const catalogue: StepCatalogue = buildCatalogue(allSteps);

/** Validates a spec against the full catalogue of this package. */
export function parseSpec(spec: unknown): PlannedStep[] {
  return parsePipelineSpec(spec, catalogue);
}

export interface StepDescription {
  name: string;
  description: string;
  takes: "image" | "images";
  gives: string;
  vramMb: number;
  /** Credits per run and per megapixel handed on (free when absent). */
  price: { perRun: number; perMegapixel: number };
  models: string[];
  availability: Availability;
  /** JSON Schema of the params, for forms and the SDK. */
  params: unknown;
}

/** What the catalogue offers in this process, for the UI, the SDK and the node's heartbeat. */
export function describeSteps(env: PipelineEnv, steps: StepCatalogue = catalogue): StepDescription[] {
  return [...steps.values()].map((s) => ({
    name: s.name,
    description: s.description,
    takes: s.takes,
    gives: s.gives,
    vramMb: s.vramMb,
    price: { perRun: s.price?.perRun ?? 0, perMegapixel: s.price?.perMegapixel ?? 0 },
    models: s.models,
    availability: s.availability?.(env) ?? { available: true },
    params: safeJsonSchema(s.params),
  }));
}

function safeJsonSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  } catch {
    return {};
  }
}

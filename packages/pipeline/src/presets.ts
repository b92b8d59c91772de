import { AppError, canvasFillSchema } from "@atelier/shared";
import { z } from "zod";
import { MAX_FORMATS_PER_RUN } from "./formats.ts";
import { type PipelineSpec, parsePipelineSpec, type StepCatalogue } from "./pipelineSpec.ts";
import type { Availability, PipelineEnv } from "./step.ts";
import { figurineParams } from "./steps/figurine.ts";

/** Lists may come as arrays or as comma-separated text (CLI, query strings). */
const list = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string().min(1).max(64)).min(1).max(MAX_FORMATS_PER_RUN),
);
const colour = z
  .string()
  .max(7)
  .regex(/^#[0-9a-fA-F]{6}$/, "a colour like #f4f1ec");

export interface Preset<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  params: S;
  /**
   * "per-image": outputs belong to one input each (files are named after it);
   * "combined": the outputs describe all inputs together (a sprite sheet).
   */
  outputs: "per-image" | "combined";
  build(params: z.infer<S>): PipelineSpec;
}

function definePreset<S extends z.ZodType>(preset: Preset<S>): Preset<S> {
  return preset;
}

const removeBackgroundPreset = definePreset({
  name: "remove-background",
  description: "Cut the subject out: a PNG with the background transparent.",
  params: z
    .object({
      model: z.enum(["small", "medium"]).default("medium"),
      feather: z.number().min(0).max(64).default(0),
    })
    .strict(),
  outputs: "per-image",
  build: (p) => ({
    steps: [
      { step: "normalize" },
      { step: "remove-background", params: { model: p.model, feather: p.feather } },
    ],
  }),
});

const repurposePreset = definePreset({
  name: "repurpose",
  description: "One image to every social format, cropped to keep faces, product and text.",
  params: z
    .object({
      formats: list.optional(),
      /** The organization's canvas fill when omitted. */
      fill: canvasFillSchema.optional(),
      fillColour: colour.default("#ffffff"),
      output: z.enum(["auto", "jpeg", "png", "webp", "avif"]).default("auto"),
      quality: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  outputs: "per-image",
  build: (p) => ({ steps: [{ step: "normalize" }, { step: "repurpose", params: p }] }),
});

const spriteSheetPreset = definePreset({
  name: "sprite-sheet",
  description: "Pack images or animated GIF/WebP frames into a PNG atlas with Phaser/PixiJS JSON.",
  params: z
    .object({
      name: z
        .string()
        .max(64)
        .regex(/^[\w-]+$/)
        .default("atlas"),
      padding: z.number().int().min(0).max(64).default(2),
      maxSize: z.number().int().min(16).max(16384).default(4096),
      trim: z.boolean().default(true),
      allowRotation: z.boolean().default(false),
      powerOfTwo: z.boolean().default(false),
    })
    .strict(),
  outputs: "combined",
  build: (p) => ({ steps: [{ step: "sprite-sheet", params: p }] }),
});

const cartoonFigurinePreset = definePreset({
  name: "cartoon-figurine",
  description: "Cut out, cartoonize and stand the figure on a studio backdrop.",
  params: z
    .object({
      /** false cartoonizes the whole picture (no model needed). */
      cutout: z.boolean().default(true),
      colours: z.number().int().min(2).max(48).default(10),
      lineWidth: z.number().int().min(1).max(5).default(2),
      from: colour.default("#fdfbf7"),
      to: colour.default("#e3ddd3"),
    })
    .strict(),
  outputs: "per-image",
  build: (p) => ({
    steps: [
      { step: "normalize" },
      ...(p.cutout ? [{ step: "remove-background" }] : []),
      { step: "cartoonize", params: { colours: p.colours, lineWidth: p.lineWidth } },
      ...(p.cutout
        ? [
            {
              step: "backdrop",
              params: { background: { kind: "gradient", from: p.from, to: p.to, angle: 90 } },
            },
          ]
        : []),
    ],
  }),
});

const figurinePreset = definePreset({
  name: "figurine",
  description:
    "A printable 3D figurine from one photo: cut out, cartoonized, built as a solid on a named base; GLB, STL, 3MF and a print report.",
  // The figurine step's own params (one statement of each default), plus the cartoon's colours.
  params: figurineParams.extend({ colours: z.number().int().min(2).max(48).default(10) }).strict(),
  outputs: "per-image",
  build: ({ colours, ...figurine }) => ({
    steps: [
      { step: "normalize" },
      { step: "remove-background" },
      { step: "cartoonize", params: { colours } },
      { step: "figurine", params: figurine },
    ],
  }),
});

const productShotPreset = definePreset({
  name: "product-shot",
  description: "Cut out the product, put it on a studio backdrop with a soft shadow, then make the formats.",
  params: z
    .object({
      formats: list.default(["instagram-square", "instagram-portrait", "facebook-feed"]),
      from: colour.default("#ffffff"),
      to: colour.default("#ececec"),
      shadow: z.boolean().default(true),
    })
    .strict(),
  outputs: "per-image",
  build: (p) => ({
    steps: [
      { step: "normalize" },
      { step: "remove-background" },
      {
        step: "backdrop",
        params: {
          background: { kind: "gradient", from: p.from, to: p.to, angle: 90 },
          padding: 0.15,
          aspect: 1,
          ...(p.shadow ? {} : { shadow: null }),
        },
      },
      {
        step: "repurpose",
        params: { formats: p.formats, fill: "edge", output: "jpeg", cropPriority: ["product"] },
      },
    ],
  }),
});

const stagingPreset = definePreset({
  name: "staging",
  description: "Virtual staging of an empty room through a hosted model (needs a Replicate token).",
  params: z
    .object({
      prompt: z
        .string()
        .min(1)
        .max(1000)
        .default("a beautifully furnished, bright living room, interior design photo"),
      style: z.string().max(100).optional(),
      roomType: z.string().max(100).optional(),
      model: z
        .string()
        .max(200)
        .regex(/^[\w.-]+\/[\w.-]+$/)
        .default("adirik/interior-design"),
    })
    .strict(),
  outputs: "per-image",
  build: (p) => ({
    steps: [
      { step: "normalize" },
      {
        step: "generate",
        params: {
          model: p.model,
          imageInput: "image",
          input: { prompt: [p.roomType, p.style && `${p.style} style`, p.prompt].filter(Boolean).join(", ") },
        },
      },
    ],
  }),
});

// biome-ignore lint/suspicious/noExplicitAny: a registry of presets with different params
export const presets: ReadonlyMap<string, Preset<any>> = new Map(
  [
    removeBackgroundPreset,
    repurposePreset,
    spriteSheetPreset,
    cartoonFigurinePreset,
    figurinePreset,
    productShotPreset,
    stagingPreset,
  ].map((p) => [p.name, p]),
);

// biome-ignore lint/suspicious/noExplicitAny: see above
export function getPreset(name: string): Preset<any> {
  const preset = presets.get(name);
  if (!preset) {
    throw new AppError(
      "VALIDATION_ERROR",
      `Unknown preset "${name}"; choose one of ${[...presets.keys()].join(", ")}.`,
      {
        path: ["preset"],
        known: [...presets.keys()],
      },
    );
  }
  return preset;
}

/** The pipeline spec of a preset for the given user params (validated; VALIDATION_ERROR with the param's path). */
export function presetSpec(name: string, params: Record<string, unknown>): PipelineSpec {
  const preset = getPreset(name);
  const parsed = preset.params.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    throw new AppError(
      "VALIDATION_ERROR",
      `${name}: ${path.length ? `${path.join(".")}: ` : ""}${issue.message}`,
      {
        path: ["params", ...path],
      },
    );
  }
  return preset.build(parsed.data);
}

/**
 * Whether a preset can run in this installation: its steps (with default params) are all available.
 * An unavailable preset is offered disabled with this reason, and refused at submission.
 */
export function presetAvailability(name: string, env: PipelineEnv, steps: StepCatalogue): Availability {
  for (const { definition } of parsePipelineSpec(presetSpec(name, {}), steps)) {
    const availability = definition.availability?.(env) ?? { available: true };
    if (!availability.available) return availability;
  }
  return { available: true };
}

export interface PresetDescription {
  name: string;
  description: string;
  outputs: "per-image" | "combined";
  availability: Availability;
  /** JSON Schema of the params (input side), for forms and the SDK. */
  params: unknown;
}

/** Every preset with its params and whether it runs here: the Run dialog, `atelier presets`, the SDK. */
export function describePresets(env: PipelineEnv, steps: StepCatalogue): PresetDescription[] {
  return [...presets.values()].map((p) => ({
    name: p.name,
    description: p.description,
    outputs: p.outputs,
    availability: presetAvailability(p.name, env, steps),
    params: z.toJSONSchema(p.params, { io: "input", unrepresentable: "any" }),
  }));
}

import type { CanvasFillKind, CropPriorityKind, Logger } from "@atelier/shared";
import type { z } from "zod";
import type { InferenceSettings } from "./models/inference/inferenceBudget.ts";

/** One image or file moving between steps. Bytes are always encoded (PNG, WebP, JSON...). */
export interface Artifact {
  /** Stable name inside one job, e.g. "cutout", "mask", "instagram-square", "atlas.json". */
  name: string;
  mediaType: string;
  data: Buffer;
  width?: number;
  height?: number;
  meta?: Record<string, unknown>;
}

export interface StepResult {
  /** Images handed to the next step (and stored as outputs when the step is the last). */
  images: Artifact[];
  /** Extra outputs that do not flow on (masks, atlas JSON, reports). */
  files?: Artifact[];
  /** Small JSON facts stored with the result (analysis, moderation scores, provider used). */
  data?: Record<string, unknown>;
}

export interface StepContext<P> {
  params: P;
  /** The images handed on by the previous step (the job's input assets for the first step). */
  inputs: Artifact[];
  signal: AbortSignal;
  /** 0..1 inside this step. Callers throttle; call as often as is natural. */
  progress(fraction: number, note?: string): void;
  /** A look at the work so far; the runner shrinks it to a WebP of at most 512 px and 64 KiB. */
  preview(image: Buffer): Promise<void>;
  log: Logger;
  env: PipelineEnv;
}

/** What the running process offers the steps. */
export interface PipelineEnv {
  /** Max pixels a decoded input may have (sharp's limitInputPixels). */
  maxInputPixels: number;
  /** Execution provider order for ONNX sessions, e.g. ["cpu"] or ["cuda","cpu"]. */
  executionProviders: string[];
  /** Folder with operator-added models (ONNX files + manifest.json); optional. */
  modelsDir?: string;
  /** Token for hosted generative models (Replicate); unset disables `generate`. */
  replicateToken?: string;
  replicateBaseUrl?: string;
  /** Organization rules and formats, resolved by the caller (server, node or CLI). */
  org?: OrgPipelineSettings;
  /** The job's attempt number (1 first), for steps that behave differently on a retry. */
  attempt?: number;
  /**
   * Model sessions that give memory back after each run, at some speed (the CLI: one process, a few
   * images); a node that runs model after model keeps onnxruntime's arena.
   */
  leanMemory?: boolean;
  /**
   * How model sessions are spread over worker threads: the RAM all of them may hold and the most
   * workers one model gets (`INFERENCE_MEMORY_MB`, `INFERENCE_WORKERS_PER_MODEL`); defaults from the
   * machine's memory and cores.
   */
  inference?: InferenceSettings;
  /** Where model loading and provider fallbacks are logged; quiet when absent. */
  log?: Logger;
}

/** An organization's saved rules and its own formats and styles; every rule falls back to `defaultOrgRules`. */
export interface OrgPipelineSettings {
  /** Highest first: what a crop must keep. */
  cropPriority: CropPriorityKind[];
  formats: AssetFormat[];
  textStyles?: Record<string, unknown>;
  /** How `repurpose` extends a canvas when the run does not say. */
  canvasFill?: CanvasFillKind;
  /** Percent (0-100): the moderation score above which `moderate` flags an image, when the run does not say. */
  moderationThreshold?: number;
}

export interface AssetFormat {
  id: string;
  label: string;
  width: number;
  height: number;
}

/** Width and height of an image, in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/** What a step's size plan may consult before anything runs. */
export interface SizePlanEnv {
  /** The organization's own asset formats (repurpose makes built-in and these). */
  orgFormats: readonly AssetFormat[];
}

export type Availability = { available: true } | { available: false; reason: string };

export interface StepPrice {
  perRun?: number;
  perMegapixel?: number;
}

export interface StepDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  params: S;
  /** "image": runs once per input image; "images": receives all inputs at once (sprite sheet, harmonize). */
  takes: "image" | "images";
  gives: string;
  /** Peak memory estimate on an accelerator, in MiB (0 for CPU-only steps). */
  vramMb: number;
  /**
   * How long the step takes for one input image of about a megapixel on two CPU cores, in ms: its
   * share of a job's progress and time left until durations recorded by the nodes say better.
   */
  expectedMs?: number | ((params: z.infer<S>) => number);
  /** Model names from the model registry this step loads. */
  models: string[];
  /**
   * What one use of the step costs in credits: `perRun` each time it runs (per input image for an
   * "image" step, once for an "images" step) and `perMegapixel` per megapixel it hands on. Free when
   * omitted. A job's price is the sum over its steps, rounded up (see pricing.ts).
   */
  price?: StepPrice;
  availability?(env: PipelineEnv): Availability;
  /**
   * Checks what the params schema cannot know: names of the organization's formats and styles. Runs at
   * submission (and in the CLI before any work), so a bad name fails before a job is queued.
   * Throws VALIDATION_ERROR with `details.path` inside the params.
   */
  checkParams?(params: z.infer<S>, env: PipelineEnv): void;
  /**
   * The sizes of the images this step hands on, at most, from its inputs' sizes (one input for an
   * "image" step, all of them for an "images" step): lets a job whose work is too large be refused
   * before it runs (see planJobSize.ts). The inputs' own sizes when omitted.
   */
  plannedOutputs?(params: z.infer<S>, inputs: ImageSize[], env: SizePlanEnv): ImageSize[];
  run(ctx: StepContext<z.infer<S>>): Promise<StepResult>;
}

export function defineStep<S extends z.ZodType>(step: StepDefinition<S>): StepDefinition<S> {
  return step;
}

/** A step's own estimate of its time per input image, in ms (a default for steps that give none). */
export function expectedMsOf<S extends z.ZodType>(step: StepDefinition<S>, params: z.infer<S>): number {
  const declared = typeof step.expectedMs === "function" ? step.expectedMs(params) : step.expectedMs;
  return Math.max(1, declared ?? 500);
}

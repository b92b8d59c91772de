import { AppError, createLogger, type Logger, toAppError } from "@atelier/shared";
import {
  checkPlannedSteps,
  type PipelineSpec,
  type PlannedStep,
  parsePipelineSpec,
  type StepCatalogue,
} from "./pipelineSpec.ts";
import { sourceOf } from "./imageIo.ts";
import { type Preview, shrinkPreview } from "./preview.ts";
import { type Artifact, expectedMsOf, type PipelineEnv, type StepContext, type StepResult } from "./step.ts";

/** What a run reports while it works. The server, the GPU node and the CLI all implement this. */
export interface PipelineEvents {
  stepStarted?(e: { index: number; step: string; total: number }): void;
  /** `fraction` is within the step, `overall` within the whole run; both only grow, at most ~10 per second. */
  progress?(e: { index: number; step: string; fraction: number; overall: number; note?: string }): void;
  /** A WebP of at most 512 px and 64 KiB. */
  preview?(e: { index: number; step: string } & Preview): void | Promise<void>;
  stepFinished?(e: {
    index: number;
    step: string;
    outputs: Artifact[];
    files: Artifact[];
    data?: Record<string, unknown>;
    ms: number;
  }): void;
}

export interface RunPipelineOptions {
  env: PipelineEnv;
  signal?: AbortSignal;
  events?: PipelineEvents;
  log?: Logger;
  /** Steps a spec may name; this package's full catalogue by default. */
  catalogue?: StepCatalogue;
  /** Minimum time between progress events. Default 100 ms (10 per second). */
  progressIntervalMs?: number;
  /** Minimum time between previews a step asks for. Default 500 ms; each step's last output is always previewed. */
  previewIntervalMs?: number;
  /**
   * Each step's share of the run, e.g. its expected time: `overall` progress is weighted by it, so a
   * quick first step does not read as half the job. Default: the steps' own estimates.
   */
  weights?: readonly number[];
}

export interface PipelineResult {
  /** The images of the last step: what the job produced. */
  images: Artifact[];
  /** Side outputs of every step (masks, atlas JSON...). */
  files: Artifact[];
  /** Each step's facts, in order. */
  data: Array<{ step: string; data: Record<string, unknown> | undefined }>;
}

const defaultLog = createLogger("pipeline", "warn");

/**
 * Runs the steps in order on the input artifacts. "image" steps run once per image, "images"
 * steps once with all of them. Cancellation is checked between steps and between images.
 */
export async function runPipeline(
  spec: PipelineSpec | PlannedStep[],
  inputs: Artifact[],
  opts: RunPipelineOptions,
): Promise<PipelineResult> {
  // The full catalogue loads every model step; callers with their own catalogue never import it.
  const planned = Array.isArray(spec)
    ? spec
    : parsePipelineSpec(spec, opts.catalogue ?? (await import("./catalogue.ts")).catalogue);
  const signal = opts.signal ?? new AbortController().signal;
  const events = opts.events ?? {};
  const log = opts.log ?? defaultLog;
  const progressInterval = opts.progressIntervalMs ?? 100;
  const previewInterval = opts.previewIntervalMs ?? 500;
  checkPlannedSteps(planned, opts.env);

  let current = inputs.map((a) => ({ ...a, meta: { ...a.meta, source: sourceOf(a) } }));
  const files: Artifact[] = [];
  const data: PipelineResult["data"] = [];
  const total = planned.length;
  const weights = planned.map((p, i) =>
    Math.max(1e-6, opts.weights?.[i] || expectedMsOf(p.definition, p.params)),
  );
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const weightBefore = weights.map((_, i) => weights.slice(0, i).reduce((a, b) => a + b, 0));
  let lastOverall = 0;

  for (const [index, { definition, params }] of planned.entries()) {
    checkCancelled(signal, definition.name);
    const started = performance.now();
    events.stepStarted?.({ index, step: definition.name, total });
    let lastFraction = 0;
    let lastEmit = Number.NEGATIVE_INFINITY;
    let lastPreview = Number.NEGATIVE_INFINITY;
    const emitProgress = (fraction: number, note: string | undefined, force: boolean) => {
      const clamped = Math.min(1, Math.max(lastFraction, fraction));
      const now = performance.now();
      if (!force && (clamped <= lastFraction || now - lastEmit < progressInterval)) return;
      lastFraction = clamped;
      lastEmit = now;
      lastOverall = Math.max(lastOverall, (weightBefore[index]! + weights[index]! * clamped) / totalWeight);
      events.progress?.({ index, step: definition.name, fraction: clamped, overall: lastOverall, note });
    };
    const sendPreview = async (image: Buffer, force: boolean) => {
      if (!events.preview) return;
      const now = performance.now();
      if (!force && now - lastPreview < previewInterval) return;
      lastPreview = now;
      try {
        const preview = await shrinkPreview(image, opts.env.maxInputPixels);
        await events.preview({ index, step: definition.name, ...preview });
      } catch (err) {
        log.warn({ step: definition.name, err: (err as Error).message }, "preview failed");
      }
    };

    const groups = definition.takes === "image" ? current.map((a) => [a]) : [current];
    const result: Required<StepResult> = { images: [], files: [], data: {} };
    try {
      for (const [g, group] of groups.entries()) {
        checkCancelled(signal, definition.name);
        const ctx: StepContext<unknown> = {
          params,
          inputs: group,
          signal,
          progress: (fraction, note) =>
            emitProgress((g + Math.min(1, Math.max(0, fraction))) / groups.length, note, false),
          preview: (image) => sendPreview(image, false),
          log: log.child({ step: definition.name }),
          env: opts.env,
        };
        const part = await definition.run(ctx);
        const source = group.length === 1 ? group[0]!.meta.source : undefined;
        const tag = (a: Artifact): Artifact =>
          source && typeof a.meta?.source !== "string" ? { ...a, meta: { ...a.meta, source } } : a;
        result.images.push(...part.images.map(tag));
        result.files.push(...(part.files ?? []).map(tag));
        if (part.data) {
          if (groups.length === 1) result.data = part.data;
          else result.data[source ?? String(g)] = part.data;
        }
      }
    } catch (err) {
      const appError = toAppError(err);
      if (!("step" in appError.details)) Object.assign(appError.details, { step: definition.name, index });
      throw appError;
    }
    checkCancelled(signal, definition.name);
    emitProgress(1, undefined, true);
    const firstImage = result.images.find((a) => a.mediaType.startsWith("image/"));
    if (firstImage) await sendPreview(firstImage.data, true);
    files.push(...result.files);
    data.push({ step: definition.name, data: result.data });
    events.stepFinished?.({
      index,
      step: definition.name,
      outputs: result.images,
      files: result.files,
      data: result.data,
      ms: Math.round(performance.now() - started),
    });
    current = result.images.map((a) => ({ ...a, meta: { ...a.meta, source: sourceOf(a) } }));
  }
  return { images: current, files, data };
}

function checkCancelled(signal: AbortSignal, step: string): void {
  if (signal.aborted) throw new AppError("CANCELLED", "The pipeline was cancelled.", { step });
}

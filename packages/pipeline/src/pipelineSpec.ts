import { AppError } from "@atelier/shared";
import { z } from "zod";
import type { PipelineEnv, StepDefinition } from "./step.ts";

// biome-ignore lint/suspicious/noExplicitAny: a catalogue holds steps of every params type
export type AnyStep = StepDefinition<any>;

export type StepCatalogue = ReadonlyMap<string, AnyStep>;

/** A catalogue by step name; two steps with one name is a programming error, caught at load. */
export function buildCatalogue(steps: readonly AnyStep[]): StepCatalogue {
  const byName = new Map<string, AnyStep>();
  for (const step of steps) {
    if (byName.has(step.name)) throw new Error(`Two pipeline steps are named "${step.name}".`);
    byName.set(step.name, step);
  }
  return byName;
}

export const pipelineSpecSchema = z.object({
  steps: z
    .array(
      z.object({
        step: z.string().min(1).max(64),
        params: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1)
    .max(32),
});
export type PipelineSpec = z.infer<typeof pipelineSpecSchema>;

export interface PlannedStep {
  definition: AnyStep;
  params: unknown;
}

/**
 * Validates a spec against the catalogue: known step names, each step's params through its
 * own schema. Errors are VALIDATION_ERROR with the path of the first problem, e.g.
 * ["steps", 1, "params", "formats", 0].
 */
export function parsePipelineSpec(spec: unknown, steps: StepCatalogue): PlannedStep[] {
  const parsed = pipelineSpecSchema.safeParse(spec);
  if (!parsed.success) throw fromZod(parsed.error, []);
  return parsed.data.steps.map((entry, index) => {
    const definition = steps.get(entry.step);
    if (!definition) {
      throw new AppError("VALIDATION_ERROR", `Unknown step "${entry.step}".`, {
        path: ["steps", index, "step"],
        known: [...steps.keys()],
      });
    }
    const params = definition.params.safeParse(entry.params ?? {});
    if (!params.success) throw fromZod(params.error, ["steps", index, "params"], entry.step);
    return { definition, params: params.data };
  });
}

function fromZod(error: z.ZodError, prefix: Array<string | number>, step?: string): AppError {
  const issue = error.issues[0];
  const path = [...prefix, ...((issue?.path ?? []) as Array<string | number>)];
  const where = path.length ? ` at ${path.join(".")}` : "";
  return new AppError(
    "VALIDATION_ERROR",
    `${step ? `${step}: ` : ""}${issue?.message ?? "invalid"}${where}.`,
    {
      path,
      issues: error.issues.map((i) => ({
        path: [...prefix, ...(i.path as Array<string | number>)],
        message: i.message,
      })),
    },
  );
}

/**
 * What only this installation and organization can tell about a parsed spec, before any work: every
 * step is available here (STEP_UNAVAILABLE otherwise, with the reason), and names in params are the
 * organization's formats and styles (VALIDATION_ERROR with the path, e.g. ["steps", 1, "params", "formats"]).
 */
export function checkPlannedSteps(planned: readonly PlannedStep[], env: PipelineEnv): void {
  for (const [index, { definition, params }] of planned.entries()) {
    const availability = definition.availability?.(env) ?? { available: true };
    if (!availability.available) {
      throw new AppError(
        "STEP_UNAVAILABLE",
        `The step "${definition.name}" is not available: ${availability.reason}`,
        { step: definition.name, index, reason: availability.reason },
      );
    }
    try {
      definition.checkParams?.(params, env);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const inner = Array.isArray(err.details.path) ? (err.details.path as Array<string | number>) : [];
      throw new AppError("VALIDATION_ERROR", `${definition.name}: ${err.message}`, {
        ...err.details,
        path: ["steps", index, "params", ...inner],
      });
    }
  }
}

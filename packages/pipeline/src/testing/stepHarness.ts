import { readFileSync } from "node:fs";
import { createLogger } from "@atelier/shared";
import type { z } from "zod";
import type { Artifact, PipelineEnv, StepContext, StepDefinition, StepResult } from "../step.ts";

import { fixturesDir } from "@atelier/shared/testing";

export { fixturesDir };

export function fixture(name: string): Artifact {
  return {
    name: name.replace(/\.[^.]+$/, ""),
    mediaType: "image/png",
    data: readFileSync(`${fixturesDir}/${name}`),
  };
}

export const testEnv: PipelineEnv = { maxInputPixels: 40_000_000, executionProviders: ["cpu"] };

export interface HarnessRun {
  result: StepResult;
  progress: number[];
  previews: Buffer[];
}

/** Runs one step directly with parsed params, recording what it reports. */
export async function runStep<S extends z.ZodType>(
  step: StepDefinition<S>,
  params: z.input<S>,
  inputs: Artifact[],
  opts: { env?: Partial<PipelineEnv>; signal?: AbortSignal } = {},
): Promise<HarnessRun> {
  const progress: number[] = [];
  const previews: Buffer[] = [];
  const ctx: StepContext<z.infer<S>> = {
    params: step.params.parse(params) as z.infer<S>,
    inputs,
    signal: opts.signal ?? new AbortController().signal,
    progress: (f) => progress.push(f),
    preview: async (image) => {
      previews.push(image);
    },
    log: createLogger("test", "silent"),
    env: { ...testEnv, ...opts.env },
  };
  return { result: await step.run(ctx), progress, previews };
}

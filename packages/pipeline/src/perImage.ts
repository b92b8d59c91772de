import { sourceOf, throwIfAborted } from "./imageIo.ts";
import type { Artifact, StepContext, StepResult } from "./step.ts";

/**
 * Runs an "image" step's work on each input (the runner hands one at a time, callers may
 * hand several), carrying the source asset's name onto every output.
 */
export async function perImage<P>(
  ctx: StepContext<P>,
  work: (input: Artifact, progress: (fraction: number, note?: string) => void) => Promise<StepResult>,
): Promise<StepResult> {
  const result: Required<StepResult> = { images: [], files: [], data: {} };
  const total = ctx.inputs.length;
  for (const [index, input] of ctx.inputs.entries()) {
    throwIfAborted(ctx.signal);
    const source = sourceOf(input);
    const part = await work(input, (fraction, note) => ctx.progress((index + fraction) / total, note));
    const tag = (a: Artifact): Artifact => ({ ...a, meta: { ...input.meta, ...a.meta, source } });
    result.images.push(...part.images.map(tag));
    result.files.push(...(part.files ?? []).map(tag));
    if (part.data) result.data[total === 1 ? "result" : source] = part.data;
  }
  return total === 1
    ? {
        images: result.images,
        files: result.files,
        data: result.data.result as Record<string, unknown> | undefined,
      }
    : result;
}

import { type OutputNaming, uniqueOutputFileNames } from "@atelier/shared";
import type { Artifact } from "./step.ts";

/**
 * How an output is named: after its input and its role. A step that hands its input on under the
 * input's own name (adjust, upscale, text-overlay…) gives the role of the step that made it.
 */
export function outputNamingOf(artifact: Artifact, lastStep: string): OutputNaming {
  const source = typeof artifact.meta?.source === "string" ? artifact.meta.source : undefined;
  const role = source !== undefined && artifact.name === source ? lastStep : artifact.name;
  return { source, role, mediaType: artifact.mediaType };
}

/** The file names of a run's outputs, unique, in order: the same in storage, the web app and the CLI. */
export function outputFileNamesOf(artifacts: readonly Artifact[], lastStep: string): string[] {
  return uniqueOutputFileNames(artifacts.map((a) => outputNamingOf(a, lastStep)));
}

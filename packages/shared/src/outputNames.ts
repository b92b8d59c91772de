import { extensionOfMediaType } from "./mediaTypes.ts";

/** What an output file is named from: the input it came from and its role in the job. */
export interface OutputNaming {
  /** The input's name without its extension ("astronaut"); absent for outputs of several inputs. */
  source?: string;
  /** What the output is: "cutout", "mask", "instagram-square", "atlas". */
  role: string;
  mediaType: string;
}

const unsafe = /[\\/:*?"<>|\p{Cc}]+/gu;

/** A name every file system and archive takes: no separators or control characters, no leading dot. */
function fileSafe(text: string): string {
  return text
    .replace(unsafe, "_")
    .replace(/^[.\s]+/, "")
    .trim()
    .slice(0, 120);
}

export function extensionOf(mediaType: string): string {
  return extensionOfMediaType[mediaType] ?? mediaType.split("/")[1]?.replace(/[^a-z0-9]/gi, "") ?? "bin";
}

/**
 * The file an output is saved as, the same in the web app, its ZIP, the SDK and the CLI:
 * `<input>.<role>.<ext>` ("astronaut.cutout.png", "astronaut.instagram-square.jpg"), or
 * `<role>.<ext>` when the output belongs to no single input.
 */
export function outputFileName(output: OutputNaming): string {
  const ext = extensionOf(output.mediaType);
  const role = fileSafe(
    output.role.endsWith(`.${ext}`) ? output.role.slice(0, -ext.length - 1) : output.role,
  );
  const source = output.source ? fileSafe(output.source) : "";
  const stem = source && source !== role ? `${source}.${role || "output"}` : role || source || "output";
  return `${stem}.${ext}`;
}

/** File names for a job's outputs, in order; a repeated name gets "-2", "-3" after its input's name. */
export function uniqueOutputFileNames(outputs: readonly OutputNaming[]): string[] {
  const seen = new Set<string>();
  return outputs.map((output) => {
    const name = outputFileName(output);
    let candidate = name;
    const dot = name.indexOf(".");
    for (let n = 2; seen.has(candidate.toLowerCase()); n++) {
      candidate = dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`;
    }
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}

/**
 * The name several inputs share ("walk" for walk-01.png … walk-12.png), for an output made of all of
 * them (a sprite sheet); undefined when they have nothing meaningful in common.
 */
export function commonSourceName(sources: readonly string[]): string | undefined {
  if (sources.length === 0) return undefined;
  let prefix = sources[0]!;
  for (const s of sources) while (!s.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const stem = sources.length > 1 ? prefix.replace(/[\s._-]*\d*[\s._-]*$/, "") : prefix;
  return stem.length >= 2 ? stem : undefined;
}

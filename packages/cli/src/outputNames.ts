import { extensionOfMediaType } from "@atelier/pipeline";
import type { Artifact } from "@atelier/pipeline";

/**
 * File names for a run's outputs. Per-image presets name files after the input:
 * `<name>.<ext>` when the input gave one image, `<name>-<output>.<ext>` when it gave several.
 * Combined outputs (a sprite sheet) keep their own names.
 */
export function outputFileNames(
  images: readonly Artifact[],
  files: readonly Artifact[],
  mode: "per-image" | "combined",
): Array<{ fileName: string; artifact: Artifact }> {
  const named: Array<{ fileName: string; artifact: Artifact }> = [];
  if (mode === "combined") {
    for (const artifact of [...images, ...files])
      named.push({ fileName: withExtension(artifact.name, artifact.mediaType), artifact });
    return dedupe(named);
  }
  const bySource = new Map<string, Artifact[]>();
  for (const artifact of images) {
    const source = typeof artifact.meta?.source === "string" ? artifact.meta.source : artifact.name;
    bySource.set(source, [...(bySource.get(source) ?? []), artifact]);
  }
  for (const [source, outputs] of bySource) {
    for (const artifact of outputs) {
      const base = outputs.length === 1 ? source : `${source}-${artifact.name}`;
      named.push({ fileName: withExtension(base, artifact.mediaType), artifact });
    }
  }
  for (const artifact of files) {
    const source = typeof artifact.meta?.source === "string" ? artifact.meta.source : "";
    named.push({
      fileName: withExtension(source ? `${source}-${artifact.name}` : artifact.name, artifact.mediaType),
      artifact,
    });
  }
  return dedupe(named);
}

function withExtension(name: string, mediaType: string): string {
  const ext = extensionOfMediaType[mediaType] ?? "bin";
  const safe = name.replace(/[^\w.-]+/g, "_");
  return safe.toLowerCase().endsWith(`.${ext}`) ? safe : `${safe}.${ext}`;
}

function dedupe(named: Array<{ fileName: string; artifact: Artifact }>) {
  const seen = new Set<string>();
  return named.map((entry) => {
    let fileName = entry.fileName;
    for (let n = 2; seen.has(fileName); n++) fileName = entry.fileName.replace(/(\.[^.]+)?$/, `-${n}$1`);
    seen.add(fileName);
    return { ...entry, fileName };
  });
}

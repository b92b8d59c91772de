import { realpath, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { AppError } from "@atelier/shared";

export interface OutputFile {
  fileName: string;
  data: Buffer;
}

/**
 * Writes a run's outputs into `outDir`. An input is never overwritten, whatever the flags; an existing
 * file only with `force`. Every target is checked before the first byte is written, so a refused run
 * leaves the folder as it was.
 */
export async function writeOutputs(
  outDir: string,
  files: readonly OutputFile[],
  inputs: readonly string[],
  force: boolean,
): Promise<string[]> {
  const inputPaths = new Set(await Promise.all(inputs.map((f) => realpath(f).catch(() => resolve(f)))));
  const targets = await Promise.all(
    files.map(async (f) => {
      const path = join(outDir, f.fileName);
      return { ...f, path, real: await realpath(path).catch(() => null) };
    }),
  );
  const clobbersInput = targets.find((t) => inputPaths.has(t.real ?? t.path));
  if (clobbersInput) {
    throw new AppError(
      "CONFLICT",
      `${clobbersInput.path} is an input; choose another --out folder (inputs are never overwritten).`,
      { path: clobbersInput.path },
    );
  }
  const existing = targets.filter((t) => t.real !== null);
  if (existing.length > 0 && !force) {
    throw new AppError(
      "CONFLICT",
      `${existing.map((t) => t.path).join(", ")} already exist${existing.length === 1 ? "s" : ""}; add --force to replace, or choose another --out folder.`,
      { paths: existing.map((t) => t.path) },
    );
  }
  for (const t of targets) await writeFile(t.path, t.data, { flag: force ? "w" : "wx" });
  return targets.map((t) => t.fileName);
}

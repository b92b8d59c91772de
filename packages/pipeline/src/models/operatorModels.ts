import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { AppError } from "@atelier/shared";
import { z } from "zod";
import type { ModelSpec } from "./modelSpec.ts";

/** `manifest.json` in the operator's models folder. */
export const operatorManifestSchema = z.object({
  models: z.array(
    z.object({
      name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "lower-case letters, digits, '.', '_' or '-'"),
      /** ONNX file, relative to the models folder. */
      file: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits"),
      inputShape: z.array(z.union([z.number().int().positive(), z.string()])),
      vramMb: z.number().int().nonnegative(),
      licence: z.string().default("unspecified"),
      description: z.string().default(""),
    }),
  ),
});
export type OperatorManifest = z.infer<typeof operatorManifestSchema>;

/** Reads and checks the operator's manifest; an absent folder or file means no operator models. */
export function readOperatorModels(modelsDir: string | undefined): ModelSpec[] {
  if (!modelsDir) return [];
  const manifestPath = join(modelsDir, "manifest.json");
  let raw: string;
  try {
    raw = readFileSync(manifestPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new AppError("CONFIG_ERROR", `${manifestPath} is not valid JSON; fix or remove it.`, {
      manifestPath,
      reason: (err as Error).message,
    });
  }
  const parsed = operatorManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError("CONFIG_ERROR", `${manifestPath} does not match the model manifest format.`, {
      manifestPath,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  const root = resolve(modelsDir);
  return parsed.data.models.map((entry) => {
    const path = resolve(root, entry.file);
    const rel = relative(root, path);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      throw new AppError("CONFIG_ERROR", `Model ${entry.name} points outside the models folder.`, {
        manifestPath,
        file: entry.file,
      });
    }
    return {
      name: entry.name,
      description: entry.description,
      source: { kind: "operator-file", path },
      sha256: entry.sha256,
      inputShape: entry.inputShape,
      vramMb: entry.vramMb,
      licence: entry.licence,
    } satisfies ModelSpec;
  });
}

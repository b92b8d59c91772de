import { type Database, eq, schema } from "@atelier/db";
import {
  type Artifact,
  extensionOfMediaType,
  outputFileNamesOf,
  outputNamingOf,
  outputThumbnail,
} from "@atelier/pipeline";
import type { ObjectStorage } from "@atelier/storage";
import type { JobRow } from "../jobRow.ts";
import type { ModerationResult } from "../moderation/moderateImage.ts";

export interface StoredOutput {
  /** Its role in the job ("cutout", "instagram-square"). */
  name: string;
  /** `<input>.<role>.<ext>`, as every client saves it. */
  fileName: string;
  storageKey: string;
  thumbnailKey: string | null;
  artifact: Artifact;
  /** Scores and review status for images; `unchecked` for models, JSON and other files. */
  moderation: ModerationResult;
}

/** `orgs/<org>/jobs/<job>/attempt-<n>/`: attempts never overwrite each other's files. */
export function outputPrefix(job: Pick<JobRow, "orgId" | "id">, attempt: number): string {
  return `orgs/${job.orgId}/jobs/${job.id}/attempt-${attempt}/`;
}

/**
 * Writes every artifact under the attempt's prefix, named after its input and role, with a small
 * thumbnail beside each image. `lastStep` names outputs a step handed on under their input's name.
 */
export async function storeOutputs(
  ctx: { storage: ObjectStorage; maxInputPixels: number },
  job: JobRow,
  attempt: number,
  artifacts: Array<{ artifact: Artifact; moderation: ModerationResult }>,
  lastStep: string,
): Promise<StoredOutput[]> {
  const fileNames = outputFileNamesOf(
    artifacts.map((a) => a.artifact),
    lastStep,
  );
  const usedKeys = new Set<string>();
  const stored: StoredOutput[] = [];
  for (const [index, { artifact, moderation }] of artifacts.entries()) {
    const ext = extensionOfMediaType[artifact.mediaType] ?? "bin";
    const fileName = fileNames[index]!;
    // Keys allow fewer characters than file names do; the file name is kept beside the key. Keys are
    // unique per extension: a model's .glb, .stl and .3mf share one name.
    const base = safeName(fileName.slice(0, -ext.length - 1));
    let keyName = base;
    for (let n = 2; usedKeys.has(`${keyName}.${ext}`); n++) keyName = `${base}-${n}`;
    usedKeys.add(`${keyName}.${ext}`);
    const storageKey = `${outputPrefix(job, attempt)}${keyName}.${ext}`;
    const thumbnail = await outputThumbnail(artifact, ctx.maxInputPixels);
    const thumbnailKey = thumbnail ? `${outputPrefix(job, attempt)}thumbs/${keyName}-${ext}.webp` : null;
    await Promise.all([
      ctx.storage.put(storageKey, artifact.data, artifact.mediaType),
      thumbnail && thumbnailKey ? ctx.storage.put(thumbnailKey, thumbnail, "image/webp") : undefined,
    ]);
    stored.push({
      name: outputNamingOf(artifact, lastStep).role,
      fileName,
      storageKey,
      thumbnailKey,
      artifact,
      moderation,
    });
  }
  return stored;
}

/** Another attempt won: this run's files are deleted, unless they are that attempt's own (same keys). */
export async function discardOutputs(
  ctx: { db: Database; storage: ObjectStorage },
  job: JobRow,
  attempt: number,
  stored: StoredOutput[],
): Promise<void> {
  const [current] = await ctx.db
    .select({ attempt: schema.jobs.attempt })
    .from(schema.jobs)
    .where(eq(schema.jobs.id, job.id));
  if (current?.attempt === attempt) return;
  const keys = stored.flatMap((o) => (o.thumbnailKey ? [o.storageKey, o.thumbnailKey] : [o.storageKey]));
  await Promise.all(keys.map((key) => ctx.storage.delete(key).catch(() => undefined)));
}

function safeName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 100);
  return cleaned || "output";
}

import { type Database, eq, schema } from "@atelier/db";
import { type Artifact, extensionOfMediaType } from "@atelier/pipeline";
import type { JobRow } from "../jobRow.ts";
import type { ObjectStorage } from "@atelier/storage";
import type { ModerationResult } from "../moderation/moderateImage.ts";

export interface StoredOutput {
  name: string;
  storageKey: string;
  artifact: Artifact;
  /** Scores and review status for images; `unchecked` for models, JSON and other files. */
  moderation: ModerationResult;
}

/** `orgs/<org>/jobs/<job>/attempt-<n>/`: attempts never overwrite each other's files. */
export function outputPrefix(job: Pick<JobRow, "orgId" | "id">, attempt: number): string {
  return `orgs/${job.orgId}/jobs/${job.id}/attempt-${attempt}/`;
}

/** Writes every artifact under the attempt's prefix with a unique, key-safe name. */
export async function storeOutputs(
  ctx: { storage: ObjectStorage },
  job: JobRow,
  attempt: number,
  artifacts: Array<{ artifact: Artifact; moderation: ModerationResult }>,
): Promise<StoredOutput[]> {
  const used = new Set<string>();
  const stored: StoredOutput[] = [];
  for (const { artifact, moderation } of artifacts) {
    const ext = extensionOfMediaType[artifact.mediaType] ?? "bin";
    const base = safeName(
      artifact.name.endsWith(`.${ext}`) ? artifact.name.slice(0, -ext.length - 1) : artifact.name,
    );
    // Names are unique per extension: a model's .glb, .stl and .3mf may share one name.
    let name = base;
    for (let n = 2; used.has(`${name}.${ext}`); n++) name = `${base}-${n}`;
    used.add(`${name}.${ext}`);
    const storageKey = `${outputPrefix(job, attempt)}${name}.${ext}`;
    await ctx.storage.put(storageKey, artifact.data, artifact.mediaType);
    stored.push({ name, storageKey, artifact, moderation });
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
  await Promise.all(stored.map((o) => ctx.storage.delete(o.storageKey).catch(() => undefined)));
}

function safeName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 100);
  return cleaned || "output";
}

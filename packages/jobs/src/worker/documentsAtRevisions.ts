import { and, type Database, desc, eq, gt, schema } from "@atelier/db";
import {
  AppError,
  applyEditOps,
  type EditDocument,
  type EditDocumentJson,
  type EditOp,
  editDocumentSchema,
} from "@atelier/shared";

/**
 * Each asset's edit document as it was at the given revision. People may keep editing after a job is
 * submitted, so the current document is walked back with the stored inverses of the later operations,
 * newest first; usually there are none.
 */
export async function documentsAtRevisions(
  db: Database,
  revisions: ReadonlyMap<string, number>,
): Promise<Map<string, EditDocument>> {
  const entries = await Promise.all(
    [...revisions].map(async ([assetId, revision]) => {
      const document = await documentAtRevision(db, assetId, revision);
      return [assetId, document] as const;
    }),
  );
  return new Map(entries);
}

async function documentAtRevision(db: Database, assetId: string, revision: number): Promise<EditDocument> {
  // The document first: operations are written in the same transaction, so every one up to its revision
  // is visible once it is, and any later one is skipped below.
  const [current] = await db
    .select({ revision: schema.assetDocuments.revision, document: schema.assetDocuments.document })
    .from(schema.assetDocuments)
    .where(eq(schema.assetDocuments.assetId, assetId));
  if (!current || current.revision < revision) {
    throw new AppError("CONFLICT", "The edits this job was submitted with are gone; submit the job again.", {
      assetId,
      revision,
    });
  }
  let document = current.document as EditDocumentJson;
  if (current.revision > revision) {
    const later = await db
      .select({ revision: schema.assetOperations.revision, operation: schema.assetOperations.operation })
      .from(schema.assetOperations)
      .where(and(eq(schema.assetOperations.assetId, assetId), gt(schema.assetOperations.revision, revision)))
      .orderBy(desc(schema.assetOperations.revision));
    for (const row of later) {
      if (row.revision > current.revision) continue;
      document = applyEditOps(document, (row.operation as { inverse: EditOp[] }).inverse);
    }
  }
  const parsed = editDocumentSchema.safeParse(document);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", "The edits of an input image are not a valid edit document.", {
      assetId,
      revision,
      path: parsed.error.issues[0]?.path,
    });
  }
  return parsed.data;
}

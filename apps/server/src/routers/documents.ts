import { and, desc, eq, schema, sql } from "@atelier/db";
import { assetAnalysis, orgPipelineSettings } from "@atelier/jobs";
import {
  AppError,
  applyEditInput,
  applyEditOps,
  documentHistoryInput,
  type EditDocumentJson,
  type EditOp,
  editDocumentSchema,
  invertEditOps,
  MAX_EDIT_DOCUMENT_BYTES,
} from "@atelier/shared";
import { z } from "zod";
import { assetProcedure } from "../access.ts";
import { renderAssetDocument } from "../render/renderAssetDocument.ts";
import { router } from "../trpc.ts";

/**
 * The document an edit leads to must pass the strict document schema (a field it does not name is
 * refused, so nothing unknown is ever stored or kept in the op log) and stay under the size cap.
 * What is stored is this validated document itself, not the parser's output: defaults are filled
 * in at render time, so the server's document stays identical to the one every client computes.
 */
function assertValidDocument(document: EditDocumentJson): void {
  const valid = editDocumentSchema.safeParse(document);
  if (!valid.success) {
    const issue = valid.error.issues[0]!;
    const where = issue.path.join(".") || "the top level";
    throw new AppError(
      "VALIDATION_ERROR",
      `That edit makes the document invalid at ${where}: ${issue.message}`,
      {
        path: issue.path,
      },
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(document));
  if (bytes > MAX_EDIT_DOCUMENT_BYTES) {
    throw new AppError(
      "VALIDATION_ERROR",
      `That edit makes the document ${Math.ceil(bytes / 1024)} KiB; a document holds at most ${MAX_EDIT_DOCUMENT_BYTES / 1024} KiB.`,
      { bytes, maxBytes: MAX_EDIT_DOCUMENT_BYTES },
    );
  }
}

const renderInput = z.object({
  maxSize: z.number().int().min(16).max(4096).default(512),
  formatId: z.string().max(64).optional(),
});

export const documentsRouter = router({
  /** The current edit document and its revision ({} at revision 0 before the first edit). */
  get: assetProcedure().query(async ({ ctx }) => {
    const [row] = await ctx.services.db
      .select()
      .from(schema.assetDocuments)
      .where(eq(schema.assetDocuments.assetId, ctx.access.asset.id));
    return { revision: row?.revision ?? 0, document: (row?.document ?? {}) as EditDocumentJson };
  }),

  /**
   * Applies a client's operations in the server's order, whatever revision they were made against, and
   * broadcasts them with the new revision. A resent clientOpId answers the revision it already got.
   */
  edit: assetProcedure("member")
    .input(applyEditInput)
    .mutation(async ({ ctx, input }) => {
      const { db, bus } = ctx.services;
      const asset = ctx.access.asset;
      const user = ctx.principal.user;
      // Statements sent together share a round trip: an edit is a live interaction, and every
      // round trip is felt by everyone in the session.
      const result = await db.transaction(async (tx) => {
        const [[current], [done]] = await Promise.all([
          // Creates the document on the first edit, and locks it either way: edits apply one at a time.
          tx
            .insert(schema.assetDocuments)
            .values({ assetId: asset.id, orgId: asset.orgId })
            .onConflictDoUpdate({
              target: schema.assetDocuments.assetId,
              set: { assetId: sql`excluded.asset_id` },
            })
            .returning(),
          // Runs after the lock is held, so a resend racing its original finds it.
          tx
            .select({ revision: schema.assetOperations.revision })
            .from(schema.assetOperations)
            .where(
              and(
                eq(schema.assetOperations.assetId, asset.id),
                eq(schema.assetOperations.clientOpId, input.clientOpId),
              ),
            ),
        ]);
        if (done) return { revision: done.revision, duplicate: true, inverse: [] as EditOp[] };

        const before = (current!.document ?? {}) as EditDocumentJson;
        const after = applyEditOps(before, input.ops);
        assertValidDocument(after);
        const revision = current!.revision + 1;
        const inverse = invertEditOps(before, input.ops);
        await Promise.all([
          tx
            .update(schema.assetDocuments)
            .set({ document: after, revision, updatedBy: user.id, updatedAt: sql`now()` })
            .where(eq(schema.assetDocuments.assetId, asset.id)),
          tx.insert(schema.assetOperations).values({
            assetId: asset.id,
            orgId: asset.orgId,
            revision,
            userId: user.id,
            clientOpId: input.clientOpId,
            operation: {
              ops: input.ops,
              inverse,
              baseRevision: input.baseRevision,
            },
          }),
        ]);
        return { revision, duplicate: false, inverse };
      });
      if (!result.duplicate) {
        await bus.appendEvent(asset.projectId, {
          type: "document.op",
          assetId: asset.id,
          revision: result.revision,
          ops: input.ops,
          inverse: result.inverse,
          clientOpId: input.clientOpId,
          userId: user.id,
          userName: user.name,
        });
      }
      return { revision: result.revision };
    }),

  /** The operation log, newest first: who changed what, and the inverse that undoes it. */
  history: assetProcedure()
    .input(documentHistoryInput)
    .query(async ({ ctx, input }) => {
      const rows = await ctx.services.db
        .select({ op: schema.assetOperations, name: schema.users.name })
        .from(schema.assetOperations)
        .leftJoin(schema.users, eq(schema.users.id, schema.assetOperations.userId))
        .where(eq(schema.assetOperations.assetId, ctx.access.asset.id))
        .orderBy(desc(schema.assetOperations.revision))
        .limit(input.limit);
      return rows.map(({ op, name }) => {
        const operation = op.operation as { ops: EditOp[]; inverse: EditOp[] };
        return {
          revision: op.revision,
          userId: op.userId,
          userName: name,
          clientOpId: op.clientOpId,
          ops: operation.ops,
          inverse: operation.inverse,
          at: op.createdAt.toISOString(),
        };
      });
    }),

  /**
   * What the crop planner needs to show each format as a `repurpose` job would cut it: the original's
   * analysis (found once by the models, then stored) and the organization's crop priority. Null
   * analysis: no model runs here, and crops are centred.
   */
  planning: assetProcedure().query(async ({ ctx }) => {
    const asset = ctx.access.asset;
    if (asset.status !== "ready") throw new AppError("CONFLICT", "The asset is not ready yet.");
    const [analysis, org] = await Promise.all([
      assetAnalysis(ctx.services, asset),
      orgPipelineSettings(ctx.services.db, asset.orgId),
    ]);
    return {
      analysis: analysis && {
        width: analysis.width,
        height: analysis.height,
        subject: analysis.subject,
        faces: analysis.faces,
        texts: analysis.texts,
      },
      priority: org.cropPriority,
    };
  }),

  /** The asset rendered with its edit document: small and fast for previews, full size for the final output. */
  render: assetProcedure()
    .input(renderInput)
    .query(({ ctx, input }) => renderAssetDocument(ctx.services, ctx.access.asset, input)),
});

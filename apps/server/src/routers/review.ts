import { and, desc, eq, schema } from "@atelier/db";
import { toOutputView } from "@atelier/jobs";
import { AppError, type ReviewDecision } from "@atelier/shared";
import { z } from "zod";
import { assetProcedure, jobProcedure, orgProcedure } from "../access.ts";
import { assetKeys, toAssetView } from "../assets/assetView.ts";
import { router } from "../trpc.ts";

const decisionInput = z.object({
  decision: z.enum(["approved", "rejected"]),
  reason: z.string().trim().min(1, "Say why, for the audit log.").max(500),
});

function decisionOf(input: z.infer<typeof decisionInput>, userId: string): ReviewDecision {
  return {
    decision: input.decision,
    reason: input.reason,
    decidedBy: userId,
    decidedAt: new Date().toISOString(),
  };
}

/** One line of the audit log: who decided what on which scores. */
function auditRow(
  owner: { orgId: string; projectId: string },
  subject: "asset" | "output",
  subjectId: string,
  scores: unknown,
  decided: ReviewDecision,
  userId: string,
): typeof schema.moderationDecisions.$inferInsert {
  return {
    orgId: owner.orgId,
    projectId: owner.projectId,
    subject,
    subjectId,
    decision: decided.decision,
    reason: decided.reason,
    scores,
    decidedBy: userId,
  };
}

/** Admins see what they review; the link lives as long as a review takes, not longer. */
const REVIEW_URL_TTL_SEC = 15 * 60;

/**
 * The review queue: uploads and outputs whose moderation score reached the organization's threshold
 * wait here for an org admin. A decision is kept in the audit log and announced to the project live.
 */
export const reviewRouter = router({
  queue: orgProcedure("admin").query(async ({ ctx }) => {
    const { db, storage } = ctx.services;
    const orgId = ctx.access.orgId;
    const [assets, outputs] = await Promise.all([
      db
        .select()
        .from(schema.assets)
        .where(and(eq(schema.assets.orgId, orgId), eq(schema.assets.reviewStatus, "held")))
        .orderBy(desc(schema.assets.createdAt)),
      db
        .select({ output: schema.jobOutputs, projectId: schema.jobs.projectId })
        .from(schema.jobOutputs)
        .innerJoin(schema.jobs, eq(schema.jobs.id, schema.jobOutputs.jobId))
        .where(and(eq(schema.jobOutputs.orgId, orgId), eq(schema.jobOutputs.reviewStatus, "held")))
        .orderBy(desc(schema.jobOutputs.createdAt)),
    ]);
    const sign = (key: string, contentType: string) =>
      storage.createDownloadUrl(key, { expiresInSec: REVIEW_URL_TTL_SEC, contentType });
    return {
      assets: await Promise.all(
        assets.map(async (row) => ({
          asset: await toAssetView(storage, row),
          reviewUrl: await sign(assetKeys(row.orgId, row.id).display, "image/webp"),
        })),
      ),
      outputs: await Promise.all(
        outputs.map(async ({ output, projectId }) => ({
          projectId,
          jobId: output.jobId,
          output: await toOutputView(storage, output),
          reviewUrl: output.mediaType.startsWith("image/")
            ? await sign(output.storageKey, output.mediaType)
            : null,
        })),
      ),
    };
  }),

  decideAsset: assetProcedure("admin")
    .input(decisionInput)
    .mutation(async ({ ctx, input }) => {
      const { db, storage, bus } = ctx.services;
      const asset = ctx.access.asset;
      const decided = decisionOf(input, ctx.principal.user.id);
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(schema.assets)
          .set({ reviewStatus: input.decision, updatedAt: new Date() })
          .where(and(eq(schema.assets.id, asset.id), eq(schema.assets.reviewStatus, "held")))
          .returning();
        if (!updated) return undefined;
        await tx
          .insert(schema.moderationDecisions)
          .values(auditRow(asset, "asset", updated.id, updated.moderation, decided, ctx.principal.user.id));
        return updated;
      });
      if (!row)
        throw new AppError("CONFLICT", "This upload is not waiting for review; reload to see its decision.");
      const view = await toAssetView(storage, row, input.reason);
      await bus.appendEvent(asset.projectId, { type: "asset.reviewed", asset: view, decision: decided });
      return view;
    }),

  decideOutput: jobProcedure("admin")
    .input(decisionInput.extend({ outputId: z.string().uuid() }))
    .mutation(async ({ ctx, input }) => {
      const { db, storage, bus } = ctx.services;
      const job = ctx.access.job;
      const decided = decisionOf(input, ctx.principal.user.id);
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(schema.jobOutputs)
          .set({ reviewStatus: input.decision })
          .where(
            and(
              eq(schema.jobOutputs.id, input.outputId),
              eq(schema.jobOutputs.jobId, job.id),
              eq(schema.jobOutputs.reviewStatus, "held"),
            ),
          )
          .returning();
        if (!updated) return undefined;
        await tx
          .insert(schema.moderationDecisions)
          .values(auditRow(job, "output", updated.id, updated.moderation, decided, ctx.principal.user.id));
        return updated;
      });
      if (!row)
        throw new AppError("CONFLICT", "This output is not waiting for review; reload to see its decision.");
      const view = await toOutputView(storage, row, input.reason);
      await bus.appendEvent(job.projectId, {
        type: "output.reviewed",
        jobId: job.id,
        output: view,
        decision: decided,
      });
      return view;
    }),

  /** Every decision in the organization, newest first: the audit log. */
  log: orgProcedure("admin")
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.services.db
        .select({
          id: schema.moderationDecisions.id,
          projectId: schema.moderationDecisions.projectId,
          subject: schema.moderationDecisions.subject,
          subjectId: schema.moderationDecisions.subjectId,
          decision: schema.moderationDecisions.decision,
          reason: schema.moderationDecisions.reason,
          scores: schema.moderationDecisions.scores,
          decidedAt: schema.moderationDecisions.decidedAt,
          decidedBy: schema.users.email,
        })
        .from(schema.moderationDecisions)
        .leftJoin(schema.users, eq(schema.users.id, schema.moderationDecisions.decidedBy))
        .where(eq(schema.moderationDecisions.orgId, ctx.access.orgId))
        .orderBy(desc(schema.moderationDecisions.decidedAt))
        .limit(input.limit);
      return rows.map((r) => ({ ...r, decidedAt: r.decidedAt.toISOString() }));
    }),
});

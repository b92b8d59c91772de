import { and, eq, inArray, rowsOf, schema, sql } from "@atelier/db";
import { deadLetterInput } from "@atelier/shared";
import { orgProcedure } from "../access.ts";
import { operatorProcedure, router } from "../trpc.ts";
import type { Services } from "../services.ts";

/** Dead letters as people see them, limited to one organization's jobs unless `orgId` is null (the operator). */
async function deadLettersOf(services: Services, orgId: string | null) {
  const letters = await services.bus.listDeadLetters({ count: 1000 });
  if (letters.length === 0) return [];
  const owned = await services.db
    .select({
      id: schema.jobs.id,
      orgId: schema.jobs.orgId,
      projectId: schema.jobs.projectId,
      spec: schema.jobs.spec,
    })
    .from(schema.jobs)
    .where(
      and(
        orgId === null ? undefined : eq(schema.jobs.orgId, orgId),
        inArray(
          schema.jobs.id,
          letters.map((l) => l.message.jobId),
        ),
      ),
    );
  const jobs = new Map(owned.map((j) => [j.id, j]));
  // One entry per job, its latest, even where an older copy was left behind.
  const latest = new Map(letters.map((l) => [l.message.jobId, l]));
  return [...latest.values()]
    .filter((l) => jobs.has(l.message.jobId))
    .map((l) => {
      const job = jobs.get(l.message.jobId)!;
      return {
        id: l.id,
        jobId: l.message.jobId,
        orgId: job.orgId,
        projectId: job.projectId,
        preset: (job.spec as { preset?: string }).preset ?? null,
        reason: l.reason,
        deadAt: new Date(l.deadAt).toISOString(),
        errors: l.errors,
      };
    });
}

/**
 * The engine room. The installation's operator sees it whole: every queue, every node with every
 * running job, every dead letter. An organization's admins see only their own organization: its jobs
 * queued and running, and its dead letters, which they may requeue.
 */
export const adminRouter = router({
  /** Operator: queue depths per class and tier, installation-wide. */
  queues: operatorProcedure.query(({ ctx }) => ctx.services.bus.stats()),

  /** Operator: every node with its capacity and running jobs. */
  nodes: operatorProcedure.query(({ ctx }) => ctx.services.bus.listNodes()),

  /** Operator: every organization's dead letters. */
  allDeadLetters: operatorProcedure.query(({ ctx }) => deadLettersOf(ctx.services, null)),

  /** Operator: requeues any dead letter. */
  requeueAny: operatorProcedure.input(deadLetterInput).mutation(async ({ ctx, input }) => {
    const job = await ctx.services.lifecycle.requeueDead(input.deadLetterId);
    return { jobId: job.id };
  }),

  /** An organization's own jobs waiting and running, per priority class, and its cap. */
  orgJobs: orgProcedure("admin").query(async ({ ctx }) => {
    const rows = rowsOf<{ priority: string; status: string; count: number }>(
      await ctx.services.db.execute(sql`
        select priority, status, count(*)::int as count from jobs
        where org_id = ${ctx.access.orgId} and status in ('queued', 'running') and deleted_at is null
        group by priority, status`),
    );
    return rows.map((r) => ({ priority: r.priority, status: r.status, count: r.count }));
  }),

  deadLetters: orgProcedure("admin").query(({ ctx }) => deadLettersOf(ctx.services, ctx.access.orgId)),

  requeue: orgProcedure("admin")
    .input(deadLetterInput)
    .mutation(async ({ ctx, input }) => {
      const job = await ctx.services.lifecycle.requeueDead(input.deadLetterId, { orgId: ctx.access.orgId });
      return { jobId: job.id };
    }),
});

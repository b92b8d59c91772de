import { and, eq, inArray, schema } from "@atelier/db";
import { deadLetterInput } from "@atelier/shared";
import { orgProcedure } from "../access.ts";
import { router } from "../trpc.ts";

/**
 * The engine room for an organization's admins. Until the installation has an operator role (who
 * will see nodes and queues whole), an organization's admins see installation-wide figures without
 * identifiers: queue depths per class and tier, and each node's capacity with only their own
 * organization's running job ids. Dead letters are shown and requeued only for their own jobs.
 */
export const adminRouter = router({
  queues: orgProcedure("admin").query(({ ctx }) => ctx.services.bus.stats()),

  nodes: orgProcedure("admin").query(async ({ ctx }) => {
    const nodes = await ctx.services.bus.listNodes();
    const running = nodes.flatMap((n) => n.runningJobs);
    const own = running.length
      ? await ctx.services.db
          .select({ id: schema.jobs.id })
          .from(schema.jobs)
          .where(and(eq(schema.jobs.orgId, ctx.access.orgId), inArray(schema.jobs.id, running)))
      : [];
    const ownIds = new Set(own.map((j) => j.id));
    return nodes.map((n) => ({ ...n, runningJobs: n.runningJobs.filter((id) => ownIds.has(id)) }));
  }),

  deadLetters: orgProcedure("admin").query(async ({ ctx }) => {
    const letters = await ctx.services.bus.listDeadLetters({ count: 1000 });
    if (letters.length === 0) return [];
    const owned = await ctx.services.db
      .select({ id: schema.jobs.id, projectId: schema.jobs.projectId, spec: schema.jobs.spec })
      .from(schema.jobs)
      .where(
        and(
          eq(schema.jobs.orgId, ctx.access.orgId),
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
      .map((l) => ({
        id: l.id,
        jobId: l.message.jobId,
        projectId: jobs.get(l.message.jobId)!.projectId,
        preset: (jobs.get(l.message.jobId)!.spec as { preset?: string }).preset ?? null,
        reason: l.reason,
        deadAt: new Date(l.deadAt).toISOString(),
        errors: l.errors,
      }));
  }),

  requeue: orgProcedure("admin")
    .input(deadLetterInput)
    .mutation(async ({ ctx, input }) => {
      const job = await ctx.services.lifecycle.requeueDead(input.deadLetterId, { orgId: ctx.access.orgId });
      return { jobId: job.id };
    }),
});

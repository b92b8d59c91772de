import { and, eq, inArray, schema } from "@atelier/db";
import { requeueDeadLetter } from "@atelier/jobs";
import { AppError, deadLetterInput } from "@atelier/shared";
import { orgProcedure } from "../access.ts";
import { router } from "../trpc.ts";

/**
 * The engine room for an organization's admins: queue depths and GPU nodes are shared by the installation;
 * dead letters are shown and requeued only for the organization's own jobs.
 */
export const adminRouter = router({
  queues: orgProcedure("admin").query(({ ctx }) => ctx.services.bus.stats()),

  nodes: orgProcedure("admin").query(({ ctx }) => ctx.services.bus.listNodes()),

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
    return letters
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
      const { db, bus, dispatcher } = ctx.services;
      const letter = (await bus.listDeadLetters({ count: 1000 })).find((l) => l.id === input.deadLetterId);
      const [job] = letter
        ? await db
            .select({ id: schema.jobs.id })
            .from(schema.jobs)
            .where(and(eq(schema.jobs.id, letter.message.jobId), eq(schema.jobs.orgId, ctx.access.orgId)))
        : [];
      if (!letter || !job)
        throw new AppError("NOT_FOUND", "No dead letter with that id among your organization's jobs.");
      await requeueDeadLetter(db, bus, input.deadLetterId);
      dispatcher.kick();
      return { jobId: job.id };
    }),
});

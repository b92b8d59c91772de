import { and, desc, eq, isNull, schema } from "@atelier/db";
import { balanceOf, checkWebhookUrl, loadJobView, toJobViews } from "@atelier/jobs";
import { AppError, jobViewSchema, listJobsInput, outputIdInput } from "@atelier/shared";
import { z } from "zod";
import { authorizeDelete, jobProcedure, projectProcedure } from "../access.ts";
import { router } from "../trpc.ts";
import { submissionOf, submissionProcedure } from "./jobSubmission.ts";

export const jobsRouter = router({
  /** Queues a preset or a spec of steps on ready assets of the project; answers at once with the queued job. */
  create: submissionProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/jobs",
        tags: ["jobs"],
        summary: "Run a preset or a spec of steps on ready assets",
        description:
          "Answers 202 Accepted at once with the queued job and its Location; poll GET /jobs/{jobId} until its status is succeeded, failed or cancelled.",
        successDescription: "Accepted: the job is queued.",
      },
    })
    .output(jobViewSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.rates.orgSubmits.consume(ctx.access.orgId);
      if (input.webhook) await checkWebhookUrl(input.webhook, ctx.services.config.webhooks);
      const submission = await submissionOf(
        ctx.services,
        ctx.access,
        ctx.facts,
        ctx.principal.user.id,
        input,
      );
      const { view } = await ctx.services.lifecycle.submit({
        ...submission,
        webhook: input.webhook ? { url: input.webhook, events: input.webhookEvents } : undefined,
      });
      return view;
    }),

  /**
   * What `create` with the same input would reserve, checked the same way, before anything is written;
   * with the organization's balance, so a client can say whether it is enough.
   */
  quote: submissionProcedure.query(async ({ ctx, input }) => {
    const { lifecycle, config } = ctx.services;
    const submission = await submissionOf(ctx.services, ctx.access, ctx.facts, ctx.principal.user.id, input);
    const [price, balance] = await Promise.all([
      lifecycle.quote(submission),
      balanceOf(ctx.services.db, ctx.access.orgId),
    ]);
    return { ...price, balance, enforced: config.billing === "credits" };
  }),

  get: jobProcedure()
    .meta({
      openapi: {
        method: "GET",
        path: "/jobs/{jobId}",
        tags: ["jobs"],
        summary: "A job: its status, steps with progress, and outputs with signed download URLs",
      },
    })
    .output(jobViewSchema)
    .query(({ ctx }) => loadJobView(ctx.services.db, ctx.services.storage, ctx.access.job.id)),

  list: projectProcedure()
    .meta({
      openapi: {
        method: "GET",
        path: "/projects/{projectId}/jobs",
        tags: ["jobs"],
        summary: "A project's jobs, newest first",
      },
    })
    .input(listJobsInput)
    .output(z.array(jobViewSchema))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.services.db
        .select()
        .from(schema.jobs)
        .where(and(eq(schema.jobs.projectId, ctx.access.project.id), isNull(schema.jobs.deletedAt)))
        .orderBy(desc(schema.jobs.createdAt))
        .limit(input.limit);
      return toJobViews(ctx.services.db, ctx.services.storage, rows);
    }),

  cancel: jobProcedure("member")
    .meta({
      openapi: {
        method: "POST",
        path: "/jobs/{jobId}/cancel",
        tags: ["jobs"],
        summary: "Cancel a queued or running job",
      },
    })
    .output(jobViewSchema)
    .mutation(async ({ ctx }) => {
      const { db, storage, lifecycle } = ctx.services;
      if (!(await lifecycle.cancel(ctx.access.job.id))) {
        throw new AppError(
          "CONFLICT",
          `The job has already ${ctx.access.job.status}; only queued or running jobs can be cancelled.`,
        );
      }
      return loadJobView(db, storage, ctx.access.job.id);
    }),

  /**
   * Deletes a job with its outputs: a queued or running job is cancelled first. Back with `restore` for
   * DELETE_UNDO_MS, then its files are removed. Members delete their own jobs, admins any.
   */
  delete: jobProcedure("member").mutation(async ({ ctx }) => {
    const job = ctx.access.job;
    authorizeDelete(ctx.principal, ctx.access, job.createdBy, "job");
    const deleted = await ctx.services.lifecycle.delete(job.id);
    if (!deleted) throw new AppError("NOT_FOUND", "That job was already deleted.");
    return { undoUntil: deleted.undoUntil.toISOString() };
  }),

  restore: jobProcedure("member").mutation(async ({ ctx }) => {
    const { db, storage, lifecycle } = ctx.services;
    authorizeDelete(ctx.principal, ctx.access, ctx.access.job.createdBy, "job");
    if (!(await lifecycle.deletion.restore(ctx.access.job.id))) {
      throw new AppError("CONFLICT", "That job is not deleted, or it is gone for good.");
    }
    return loadJobView(db, storage, ctx.access.job.id);
  }),

  /** Deletes one output of a job, undoable like a job. */
  deleteOutput: jobProcedure("member")
    .input(outputIdInput)
    .mutation(async ({ ctx, input }) => {
      authorizeDelete(ctx.principal, ctx.access, ctx.access.job.createdBy, "output");
      const deleted = await ctx.services.lifecycle.deletion.deleteOutput(ctx.access.job, input.outputId);
      if (!deleted) throw new AppError("NOT_FOUND", "That output was already deleted.");
      return { undoUntil: deleted.undoUntil.toISOString() };
    }),

  restoreOutput: jobProcedure("member")
    .input(outputIdInput)
    .mutation(async ({ ctx, input }) => {
      authorizeDelete(ctx.principal, ctx.access, ctx.access.job.createdBy, "output");
      if (!(await ctx.services.lifecycle.deletion.restoreOutput(ctx.access.job, input.outputId))) {
        throw new AppError("CONFLICT", "That output is not deleted, or it is gone for good.");
      }
      return loadJobView(ctx.services.db, ctx.services.storage, ctx.access.job.id);
    }),

  retry: jobProcedure("member").mutation(async ({ ctx }) => {
    const { db, storage, lifecycle } = ctx.services;
    await ctx.services.rates.orgSubmits.consume(ctx.access.orgId);
    if (!(await lifecycle.retry(ctx.access.job.id, { maxLiveJobs: ctx.services.config.orgMaxLiveJobs }))) {
      throw new AppError("CONFLICT", "Only failed or cancelled jobs can be retried.");
    }
    return loadJobView(db, storage, ctx.access.job.id);
  }),
});

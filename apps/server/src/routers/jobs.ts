import { and, desc, eq, isNull, prepared, schema, sql } from "@atelier/db";
import { balanceOf, checkWebhookUrl, loadJobView, type SubmitJobInput, toJobViews } from "@atelier/jobs";
import { type AssetFormat, presetSpec } from "@atelier/pipeline";
import {
  AppError,
  createJobInput,
  jobViewSchema,
  listJobsInput,
  outputIdInput,
  type PriorityClass,
} from "@atelier/shared";
import { authorizeDelete, jobProcedure, type ProjectAccess, projectProcedure } from "../access.ts";
import type { Services } from "../services.ts";
import { z } from "zod";

type CreateJobInput = z.infer<typeof createJobInput>;
import { router } from "../trpc.ts";

/**
 * What `jobs.create` and `jobs.quote` both check and build from a request: the project's ready assets,
 * the organization's formats and its plan's limits (priority, jobs at once, largest image).
 */
async function submissionOf(
  services: Services,
  access: ProjectAccess,
  userId: string,
  input: CreateJobInput,
): Promise<SubmitJobInput> {
  const { db, config } = services;
  const [assets, [org]] = await Promise.all([
    prepared(db, "jobAssets", (d) =>
      d
        .select({
          id: schema.assets.id,
          status: schema.assets.status,
          revision: schema.assetDocuments.revision,
          width: schema.assets.width,
          height: schema.assets.height,
        })
        .from(schema.assets)
        .leftJoin(schema.assetDocuments, eq(schema.assetDocuments.assetId, schema.assets.id))
        .where(
          and(
            eq(schema.assets.projectId, sql.placeholder("projectId")),
            isNull(schema.assets.deletedAt),
            sql`${schema.assets.id} = any(${sql.placeholder("assetIds")}::uuid[])`,
          ),
        )
        .prepare("job_assets"),
    ).execute({ projectId: access.project.id, assetIds: input.assetIds }),
    // The plan and the organization's formats (a repurpose step makes them all) in one query.
    prepared(db, "orgPlanAndFormats", (d) =>
      d
        .select({
          planName: schema.plans.name,
          priority: schema.plans.priority,
          maxLiveJobs: schema.plans.maxLiveJobs,
          maxOutputMegapixels: schema.plans.maxOutputMegapixels,
          formats: sql<AssetFormat[]>`coalesce((
            select json_agg(json_build_object('id', f.slug, 'label', f.label, 'width', f.width, 'height', f.height))
            from ${schema.assetFormats} f where f.org_id = ${schema.organizations.id}), '[]'::json)`,
        })
        .from(schema.organizations)
        .leftJoin(schema.plans, eq(schema.plans.id, schema.organizations.plan))
        .where(eq(schema.organizations.id, sql.placeholder("orgId")))
        .prepare("org_plan_and_formats"),
    ).execute({ orgId: access.orgId }),
  ]);
  const missing = input.assetIds.filter((id) => !assets.some((a) => a.id === id));
  if (missing.length) throw new AppError("NOT_FOUND", "Some assets are not in this project.", { missing });
  const notReady = assets.filter((a) => a.status !== "ready").map((a) => a.id);
  if (notReady.length) throw new AppError("VALIDATION_ERROR", "Some assets are not ready yet.", { notReady });

  // Pinned now: edits made while the job waits in the queue do not change what it runs on.
  const inputRevisions: Record<string, number> = {};
  if (input.source === "edited") {
    for (const a of assets) if (a.revision) inputRevisions[a.id] = a.revision;
  }
  // The plan's cap applies unless the installation's own (ATELIER_ORG_MAX_LIVE_JOBS) is lower.
  const planCap = org?.maxLiveJobs ?? config.orgMaxLiveJobs;
  const byPlan = planCap <= config.orgMaxLiveJobs && org?.planName;
  const planImagePixels = (org?.maxOutputMegapixels ?? Number.POSITIVE_INFINITY) * 1e6;
  const inputs = input.assetIds.map((id) => {
    const asset = assets.find((a) => a.id === id)!;
    return { width: asset.width ?? 0, height: asset.height ?? 0 };
  });
  return {
    orgId: access.orgId,
    projectId: access.project.id,
    createdBy: userId,
    assetIds: input.assetIds,
    spec: input.preset ? presetSpec(input.preset, input.params) : input.spec!,
    preset: input.preset,
    params: input.params,
    priority: (org?.priority as PriorityClass | undefined) ?? "standard",
    inputRevisions,
    maxLiveJobs: Math.min(planCap, config.orgMaxLiveJobs),
    liveJobsLimit: byPlan ? { source: "plan", planName: org.planName! } : { source: "installation" },
    sizeCheck: {
      inputs,
      orgFormats: org?.formats ?? [],
      limits: {
        maxTotalPixels: config.maxJobOutputMegapixels * 1e6,
        maxImagePixels: Math.min(config.maxInputPixels, planImagePixels),
      },
      ...(planImagePixels < config.maxInputPixels && org?.planName
        ? { plan: { name: org.planName, maxImageMegapixels: org.maxOutputMegapixels! } }
        : {}),
    },
  };
}

export const jobsRouter = router({
  /** Queues a preset or a spec of steps on ready assets of the project; answers at once with the queued job. */
  create: projectProcedure("member")
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
    .input(createJobInput)
    .output(jobViewSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.rates.orgSubmits.consume(ctx.access.orgId);
      if (input.webhook) await checkWebhookUrl(input.webhook, ctx.services.config.webhooks);
      const submission = await submissionOf(ctx.services, ctx.access, ctx.principal.user.id, input);
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
  quote: projectProcedure("member")
    .input(createJobInput)
    .query(async ({ ctx, input }) => {
      const { lifecycle, config } = ctx.services;
      const submission = await submissionOf(ctx.services, ctx.access, ctx.principal.user.id, input);
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

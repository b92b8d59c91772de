import { and, eq, prepared, schema, sql } from "@atelier/db";
import type { SubmitJobInput } from "@atelier/jobs";
import { type AssetFormat, presetSpec } from "@atelier/pipeline";
import { AppError, createJobInput, id, type PriorityClass } from "@atelier/shared";
import { z } from "zod";
import { actingRole, authorize, notFound, type ProjectAccess, param } from "../access.ts";
import type { Services } from "../services.ts";
import { scopeForRole, userProcedure } from "../trpc.ts";

type CreateJobInput = z.infer<typeof createJobInput>;

interface SubmissionAsset {
  id: string;
  status: string;
  revision: number | null;
  width: number | null;
  height: number | null;
}

/** What a submission is checked against, read with the caller's access in one statement. */
interface SubmissionFacts {
  assets: SubmissionAsset[];
  planName: string | null;
  priority: string | null;
  maxLiveJobs: number | null;
  maxOutputMegapixels: number | null;
  formats: AssetFormat[];
}

/**
 * The caller's role in the project's organization, the project, its organization's plan and formats,
 * and the named assets, in ONE prepared query: every submit takes this path, and three round trips
 * (access, assets, plan) cost the server and Postgres more than the reads themselves.
 */
const submissionQuery = (db: Services["db"]) =>
  prepared(db, "jobSubmission", (d) =>
    d
      .select({
        project: schema.projects,
        role: schema.memberships.role,
        planName: schema.plans.name,
        priority: schema.plans.priority,
        maxLiveJobs: schema.plans.maxLiveJobs,
        maxOutputMegapixels: schema.plans.maxOutputMegapixels,
        formats: sql<AssetFormat[]>`coalesce((
          select json_agg(json_build_object('id', f.slug, 'label', f.label, 'width', f.width, 'height', f.height))
          from ${schema.assetFormats} f where f.org_id = ${schema.projects.orgId}), '[]'::json)`,
        assets: sql<SubmissionAsset[]>`coalesce((
          select json_agg(json_build_object('id', a.id, 'status', a.status, 'revision', doc.revision,
                                            'width', a.width, 'height', a.height))
          from ${schema.assets} a left join ${schema.assetDocuments} doc on doc.asset_id = a.id
          where a.project_id = ${schema.projects.id} and a.deleted_at is null
            and a.id = any(${param("assetIds")}::uuid[])), '[]'::json)`,
      })
      .from(schema.projects)
      .innerJoin(
        schema.memberships,
        and(
          eq(schema.memberships.orgId, schema.projects.orgId),
          eq(schema.memberships.userId, param("userId")),
        ),
      )
      .innerJoin(schema.organizations, eq(schema.organizations.id, schema.projects.orgId))
      .leftJoin(schema.plans, eq(schema.plans.id, schema.organizations.plan))
      .where(eq(schema.projects.id, param("projectId")))
      .prepare("job_submission"),
  );

const assetIdsOf = z.object({ assetIds: z.array(id).max(200) });

/**
 * `jobs.create` and `jobs.quote`: a member's procedure on a project, like `projectProcedure("member")`
 * (same meta, same NOT_FOUND for strangers), whose access check also reads what the submission needs.
 */
export const submissionProcedure = userProcedure
  .meta({ resource: "project", minRole: "member", scope: scopeForRole("member") })
  .input(z.object({ projectId: id }))
  .use(async ({ ctx, input, getRawInput, next }) => {
    // Strangers learn nothing from a validation error: access is checked before the whole input is
    // parsed (below), so the asset ids are read leniently here; bad ones fail that parse.
    const named = assetIdsOf.safeParse(await getRawInput());
    const [found] = await submissionQuery(ctx.services.db).execute({
      projectId: input.projectId,
      userId: ctx.principal.user.id,
      assetIds: named.success ? named.data.assetIds : [],
    });
    const role = found && actingRole(ctx.principal, found.project.orgId, found.role);
    if (!found || !role) throw notFound("project");
    const access: ProjectAccess = { orgId: found.project.orgId, role, project: found.project };
    authorize(access, "member");
    const { project: _project, role: _role, ...facts } = found;
    return next({ ctx: { access, facts: facts satisfies SubmissionFacts } });
  })
  .input(createJobInput);

/**
 * What `jobs.create` and `jobs.quote` both check and build from a request: the project's ready assets,
 * the organization's formats and its plan's limits (priority, jobs at once, largest image).
 */
export function submissionOf(
  services: Services,
  access: ProjectAccess,
  facts: SubmissionFacts,
  userId: string,
  input: CreateJobInput,
): SubmitJobInput {
  const { config } = services;
  const { assets } = facts;
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
  const planCap = facts.maxLiveJobs ?? config.orgMaxLiveJobs;
  const byPlan = planCap <= config.orgMaxLiveJobs && facts.planName;
  const planImagePixels = (facts.maxOutputMegapixels ?? Number.POSITIVE_INFINITY) * 1e6;
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
    priority: (facts.priority as PriorityClass | null) ?? "standard",
    inputRevisions,
    maxLiveJobs: Math.min(planCap, config.orgMaxLiveJobs),
    liveJobsLimit: byPlan ? { source: "plan", planName: facts.planName! } : { source: "installation" },
    sizeCheck: {
      inputs,
      orgFormats: facts.formats,
      limits: {
        maxTotalPixels: config.maxJobOutputMegapixels * 1e6,
        maxImagePixels: Math.min(config.maxInputPixels, planImagePixels),
      },
      ...(planImagePixels < config.maxInputPixels && facts.planName
        ? { plan: { name: facts.planName, maxImageMegapixels: facts.maxOutputMegapixels! } }
        : {}),
    },
  };
}

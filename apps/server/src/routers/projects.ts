import { wsSubscribers } from "@atelier/telemetry";
import { asc, eq, schema } from "@atelier/db";
import { createProjectInput, projectEventsInput, projectViewSchema } from "@atelier/shared";
import { z } from "zod";
import { orgProcedure, projectProcedure } from "../access.ts";
import { durableStream } from "../live/liveStreams.ts";
import { router, toTrpcError, wireCall } from "../trpc.ts";

const view = (p: typeof schema.projects.$inferSelect) => ({
  id: p.id,
  orgId: p.orgId,
  name: p.name,
  createdAt: p.createdAt.toISOString(),
});

export const projectsRouter = router({
  create: orgProcedure("member")
    .meta({
      openapi: {
        method: "POST",
        path: "/orgs/{orgId}/projects",
        tags: ["projects"],
        summary: "Create a project",
      },
    })
    .input(createProjectInput)
    .output(projectViewSchema)
    .mutation(async ({ ctx, input }) => {
      const [project] = await ctx.services.db
        .insert(schema.projects)
        .values({ orgId: ctx.access.orgId, name: input.name, createdBy: ctx.principal.user.id })
        .returning();
      return view(project!);
    }),

  list: orgProcedure()
    .meta({
      openapi: {
        method: "GET",
        path: "/orgs/{orgId}/projects",
        tags: ["projects"],
        summary: "An organization's projects",
      },
    })
    .output(z.array(projectViewSchema))
    .query(async ({ ctx }) => {
      const rows = await ctx.services.db
        .select()
        .from(schema.projects)
        .where(eq(schema.projects.orgId, ctx.access.orgId))
        .orderBy(asc(schema.projects.createdAt));
      return rows.map(view);
    }),

  get: projectProcedure().query(({ ctx }) => view(ctx.access.project)),

  /**
   * Live events of one project; `lastEventId` (sent again by wsLink on reconnect) resumes without
   * gaps, or with a `resync` event when the stream no longer holds that id (reload the project's
   * state). Presence is not here but on `presence.watch`. Ends with UNAUTHORIZED or NOT_FOUND within a second of a sign-out, a revoked key or the
   * caller's removal from the organization, whichever server instance it happened on.
   */
  events: projectProcedure()
    .use(wireCall)
    .input(projectEventsInput)
    .subscription(async function* ({ ctx, input, signal }) {
      if (!ctx.credential) return;
      const lease = ctx.services.access.watch.lease(
        { credential: ctx.credential, principal: ctx.principal, orgId: ctx.access.orgId },
        signal ?? new AbortController().signal,
      );
      wsSubscribers.inc();
      try {
        yield* durableStream(ctx, input.projectId, input.lastEventId, lease.signal);
        const ended = lease.reason();
        if (ended) throw toTrpcError(ended);
      } finally {
        wsSubscribers.dec();
        lease.stop();
      }
    }),
});

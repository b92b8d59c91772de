import { asc, eq, schema } from "@atelier/db";
import {
  createProjectInput,
  type ProjectEvent,
  projectEventsInput,
  PROJECT_EVENTS_VERSION,
} from "@atelier/shared";
import { tracked } from "@trpc/server";
import { orgProcedure, projectProcedure } from "../access.ts";
import { router, toTrpcError } from "../trpc.ts";

const view = (p: typeof schema.projects.$inferSelect) => ({
  id: p.id,
  orgId: p.orgId,
  name: p.name,
  createdAt: p.createdAt.toISOString(),
});

export const projectsRouter = router({
  create: orgProcedure("member")
    .input(createProjectInput)
    .mutation(async ({ ctx, input }) => {
      const [project] = await ctx.services.db
        .insert(schema.projects)
        .values({ orgId: ctx.access.orgId, name: input.name, createdBy: ctx.principal.user.id })
        .returning();
      return view(project!);
    }),

  list: orgProcedure().query(async ({ ctx }) => {
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
   * gaps. Ends with UNAUTHORIZED or NOT_FOUND within a second of a sign-out, a revoked key or the
   * caller's removal from the organization, whichever server instance it happened on.
   */
  events: projectProcedure()
    .input(projectEventsInput)
    .subscription(async function* ({ ctx, input, signal }) {
      const { bus, access } = ctx.services;
      if (!ctx.credential) return;
      const lease = access.watch.lease(
        { credential: ctx.credential, principal: ctx.principal, orgId: ctx.access.orgId },
        signal ?? new AbortController().signal,
      );
      try {
        // A tab that has seen no event yet still gets an id to resume from, so a reconnect misses nothing.
        const after = input.lastEventId ?? (await bus.lastEventId(input.projectId));
        if (!input.lastEventId) {
          const ready: ProjectEvent = { v: PROJECT_EVENTS_VERSION, type: "stream.ready" };
          yield tracked(after, ready);
        }
        for await (const { id, event } of bus.events(input.projectId, {
          afterId: after,
          signal: lease.signal,
        })) {
          yield tracked(id, event);
        }
        const ended = lease.reason();
        if (ended) throw toTrpcError(ended);
      } finally {
        lease.stop();
      }
    }),
});

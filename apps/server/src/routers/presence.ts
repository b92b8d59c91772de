import { presenceInput } from "@atelier/shared";
import { projectProcedure } from "../access.ts";
import { presenceStream } from "../live/liveStreams.ts";
import { router, toTrpcError, wireCall } from "../trpc.ts";

/** A stable colour per person, so everyone sees the same colour for the same collaborator. */
export function colourOf(userId: string): string {
  let hash = 0;
  for (const ch of userId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 70% 50%)`;
}

export const presenceRouter = router({
  /**
   * Everyone's presence in the project as it happens, on its own short-lived channel: untracked (not
   * resumable; the next heartbeat says it again), never stored, and dropped for a socket too slow to
   * take it. Ends like `projects.events` when the caller's access ends.
   */
  watch: projectProcedure()
    .use(wireCall)
    .subscription(async function* ({ ctx, input, signal }) {
      if (!ctx.credential) return;
      const lease = ctx.services.access.watch.lease(
        { credential: ctx.credential, principal: ctx.principal, orgId: ctx.access.orgId },
        signal ?? new AbortController().signal,
      );
      try {
        yield* presenceStream(ctx, input.projectId, lease.signal);
        const ended = lease.reason();
        if (ended) throw toTrpcError(ended);
      } finally {
        lease.stop();
      }
    }),

  /** Where the caller is in the project: cursor, selected asset, what they edit. Throttled, never stored. */
  // A viewer or a read-only key watches; showing a cursor to the team is taking part (write).
  update: projectProcedure("member")
    .input(presenceInput)
    .mutation(async ({ ctx, input }) => {
      const user = ctx.principal.user;
      const sent = await ctx.services.presence.offer(`${input.projectId}:${user.id}`, async () => {
        await ctx.services.bus.publishPresence(input.projectId, {
          type: "presence",
          userId: user.id,
          name: user.name,
          colour: colourOf(user.id),
          cursor: input.cursor,
          selectedAssetId: input.selectedAssetId,
          selection: input.selection,
          at: new Date().toISOString(),
        });
      });
      return { sent };
    }),

  leave: projectProcedure("member").mutation(async ({ ctx, input }) => {
    ctx.services.presence.forget(`${input.projectId}:${ctx.principal.user.id}`);
    await ctx.services.bus.publishPresence(input.projectId, {
      type: "presence.left",
      userId: ctx.principal.user.id,
    });
    return { ok: true };
  }),
});

import { presenceInput } from "@atelier/shared";
import { projectProcedure } from "../access.ts";
import { router } from "../trpc.ts";

/** A stable colour per person, so everyone sees the same colour for the same collaborator. */
export function colourOf(userId: string): string {
  let hash = 0;
  for (const ch of userId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 70% 50%)`;
}

export const presenceRouter = router({
  /** Where the caller is in the project: cursor, selected asset, what they edit. Throttled, never stored. */
  // A viewer or a read-only key watches; showing a cursor to the team is taking part (write).
  update: projectProcedure("member")
    .input(presenceInput)
    .mutation(async ({ ctx, input }) => {
      const user = ctx.principal.user;
      const sent = await ctx.services.presence.offer(`${input.projectId}:${user.id}`, async () => {
        await ctx.services.bus.appendEvent(input.projectId, {
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
    await ctx.services.bus.appendEvent(input.projectId, {
      type: "presence.left",
      userId: ctx.principal.user.id,
    });
    return { ok: true };
  }),
});

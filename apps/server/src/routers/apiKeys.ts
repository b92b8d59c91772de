import { createOrgApiKeyInput, orgApiKeyInput } from "@atelier/shared";
import { orgProcedure } from "../access.ts";
import { createOrgApiKey, listOrgApiKeys, revokeOrgApiKey } from "../auth/orgApiKeys.ts";
import { router } from "../trpc.ts";

/** An organization's API keys, administered by its admins; the key is shown once, at creation. */
export const apiKeysRouter = router({
  create: orgProcedure("admin")
    .input(createOrgApiKeyInput)
    .mutation(({ ctx, input }) => createOrgApiKey(ctx.services.db, ctx.principal, input)),

  // Key ids are what `revoke` takes: listing them is administering the organization.
  list: orgProcedure("admin").query(({ ctx }) => listOrgApiKeys(ctx.services.db, [ctx.access.orgId])),

  /** Refused at once on every instance, also on sockets already open with the key. */
  revoke: orgProcedure("admin")
    .input(orgApiKeyInput)
    .mutation(async ({ ctx, input }) => {
      const apiKeyId = await revokeOrgApiKey(ctx.services.db, ctx.access.orgId, input.apiKeyId);
      await ctx.services.access.announce({ kind: "apiKey.revoked", apiKeyId });
      return { ok: true };
    }),
});

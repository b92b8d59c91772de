import { and, asc, type Database, eq, inArray, schema, sql } from "@atelier/db";
import { AppError, createApiKeyInput, revokeApiKeyInput, signInInput, signUpInput } from "@atelier/shared";
import { authorize, resolveOrg } from "../access.ts";
import { createOrgApiKey, listOrgApiKeys, revokeOrgApiKey } from "../auth/orgApiKeys.ts";
import { clearedSessionCookie, sessionCookie } from "../auth/cookies.ts";
import { decoyHash, hashPassword, verifyPassword } from "../auth/password.ts";
import { createSession, generateToken, invalidateSession } from "../auth/sessions.ts";
import type { Context } from "../trpc.ts";
import { publicProcedure, router, userProcedure } from "../trpc.ts";

function isSecure(ctx: Context): boolean {
  return ctx.services.config.publicUrl?.startsWith("https:") ?? false;
}

async function startSession(ctx: Context, userId: string): Promise<void> {
  if (!ctx.res)
    throw new AppError("VALIDATION_ERROR", "Sign in over HTTP, not the WebSocket: it sets a cookie.");
  const token = generateToken();
  const session = await createSession(ctx.services.db, token, userId);
  ctx.res.appendHeader("Set-Cookie", sessionCookie(token, session.expiresAt, isSecure(ctx)));
}

type NewUser = { email: string; name: string; passwordHash: string };

/**
 * The first account of an installation becomes its operator. Two first sign-ups at once both see no
 * operator; the unique index on `is_operator` lets one win and the other is written as a plain account.
 */
async function insertUser(ctx: Context, values: NewUser, asOperatorIfFirst = true) {
  const isOperator = asOperatorIfFirst
    ? sql<boolean>`not exists (select 1 from ${schema.users} where ${schema.users.isOperator})`
    : false;
  try {
    const [user] = await ctx.services.db
      .insert(schema.users)
      .values({ ...values, isOperator })
      .onConflictDoNothing({ target: schema.users.email })
      .returning({
        id: schema.users.id,
        email: schema.users.email,
        name: schema.users.name,
        isOperator: schema.users.isOperator,
      });
    return user;
  } catch (err) {
    if (asOperatorIfFirst && /users_one_operator/.test(String((err as { cause?: unknown }).cause ?? err)))
      return insertUser(ctx, values, false);
    throw err;
  }
}

export const authRouter = router({
  /**
   * Without mail to confirm an address, sign-up cannot answer the same whether or not the email is
   * taken (a new account is signed in, a taken email is not). So the answer for a taken email is
   * neutral (it does not say an account exists, only that this email cannot be used here) and
   * sign-ups per client address are limited, which keeps testing emails in bulk slow.
   */
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    await ctx.services.signUpLimit.consume(ctx.services.clientAddress(ctx.req));
    const passwordHash = await hashPassword(input.password);
    const user = await insertUser(ctx, { email: input.email, name: input.name, passwordHash });
    if (!user)
      throw new AppError("CONFLICT", "This email cannot be used to sign up. If it is yours, sign in.");
    await startSession(ctx, user.id);
    return {
      user,
      ...(user.isOperator
        ? {
            notice:
              "This is the first account of this installation, so it is its operator: it sees every node, queue and dead letter, edits plans and grants credits.",
          }
        : {}),
    };
  }),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const { db, signInThrottle } = ctx.services;
    const address = ctx.services.clientAddress(ctx.req);
    // Counted before the password is checked: a burst of parallel guesses checks only what the limit allows.
    await signInThrottle.attempt(input.email, address);
    const [user] = await db.select().from(schema.users).where(eq(schema.users.email, input.email));
    const ok = await verifyPassword(user?.passwordHash ?? decoyHash, input.password);
    if (!user || !ok) throw new AppError("UNAUTHORIZED", "Email or password is incorrect.");
    await signInThrottle.succeeded(input.email, address);
    await startSession(ctx, user.id);
    return { user: { id: user.id, email: user.email, name: user.name, isOperator: user.isOperator } };
  }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.principal?.kind === "session") {
      const sessionId = ctx.principal.session.id;
      await invalidateSession(ctx.services.db, sessionId);
      await ctx.services.access.announce({ kind: "session.ended", sessionId });
    }
    ctx.res?.appendHeader("Set-Cookie", clearedSessionCookie(isSecure(ctx)));
    return { ok: true };
  }),

  me: publicProcedure.query(({ ctx }) => ({ user: ctx.principal?.user ?? null })),

  /**
   * The calls from before keys belonged to organizations, kept so older SDKs and scripts work:
   * `createApiKey` makes a key of `orgId` (or of the first organization the caller administers),
   * `listApiKeys` lists the keys the caller made, `revokeApiKey` revokes one by id. `apiKeys.*` is the API.
   */
  createApiKey: userProcedure
    .meta({ scope: "admin" })
    .input(createApiKeyInput)
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const orgId = input.orgId ?? (await firstAdministeredOrg(db, ctx.principal.user.id));
      authorize(await resolveOrg(db, ctx.principal, orgId), "admin");
      return createOrgApiKey(db, ctx.principal, { ...input, orgId });
    }),

  // Key ids are what revokeApiKey takes: listing them is administering the account.
  listApiKeys: userProcedure.meta({ scope: "admin" }).query(async ({ ctx }) => {
    const { principal } = ctx;
    const orgIds =
      principal.kind === "apiKey"
        ? [principal.orgId]
        : (
            await ctx.services.db
              .select({ orgId: schema.memberships.orgId })
              .from(schema.memberships)
              .where(eq(schema.memberships.userId, principal.user.id))
          ).map((m) => m.orgId);
    const keys = await listOrgApiKeys(ctx.services.db, orgIds);
    return keys.filter((k) => k.createdBy.id === principal.user.id);
  }),

  revokeApiKey: userProcedure
    .meta({ scope: "admin" })
    .input(revokeApiKeyInput)
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const [key] = await db
        .select({ orgId: schema.apiKeys.orgId, userId: schema.apiKeys.userId })
        .from(schema.apiKeys)
        .where(eq(schema.apiKeys.id, input.apiKeyId));
      const gone = new AppError("NOT_FOUND", "No active API key of yours with that id.");
      if (!key) throw gone;
      // Its maker, or an admin of its organization; anyone else learns nothing about the id.
      const access = await resolveOrg(db, ctx.principal, key.orgId).catch(() => null);
      if (!access) throw gone;
      if (key.userId !== ctx.principal.user.id) authorize(access, "admin");
      const apiKeyId = await revokeOrgApiKey(db, key.orgId, input.apiKeyId).catch(() => {
        throw gone;
      });
      await ctx.services.access.announce({ kind: "apiKey.revoked", apiKeyId });
      return { ok: true };
    }),
});

/** The organization a key made without `orgId` goes to: the earliest joined that the caller administers. */
async function firstAdministeredOrg(db: Database, userId: string): Promise<string> {
  const [row] = await db
    .select({ orgId: schema.memberships.orgId })
    .from(schema.memberships)
    .where(and(eq(schema.memberships.userId, userId), inArray(schema.memberships.role, ["owner", "admin"])))
    .orderBy(asc(schema.memberships.createdAt))
    .limit(1);
  if (!row)
    throw new AppError(
      "FORBIDDEN",
      "API keys belong to an organization you administer; create an organization first.",
    );
  return row.orgId;
}

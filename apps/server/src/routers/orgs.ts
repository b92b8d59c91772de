import { randomBytes } from "node:crypto";
import { and, asc, count, eq, rowsOf, schema, sql } from "@atelier/db";
import {
  AppError,
  addMemberInput,
  createOrgInput,
  myEventsInput,
  orgViewSchema,
  type ProjectEventInput,
  removeMemberInput,
  type Role,
  setRoleInput,
  userStreamId,
} from "@atelier/shared";
import { z } from "zod";
import type { Services } from "../services.ts";
import { type OrgAccess, orgProcedure } from "../access.ts";
import { durableStream } from "../live/liveStreams.ts";
import { router, toTrpcError, userProcedure, wireCall } from "../trpc.ts";

function slugOf(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
  return `${base || "org"}-${randomBytes(3).toString("hex")}`;
}

export const orgsRouter = router({
  create: userProcedure
    .meta({ scope: "write" })
    .input(createOrgInput)
    .mutation(async ({ ctx, input }) => {
      if (ctx.principal.kind === "apiKey")
        throw new AppError(
          "FORBIDDEN",
          "An API key belongs to one organization; create organizations from a signed-in session.",
        );
      return ctx.services.db.transaction(async (tx) => {
        const [org] = await tx
          .insert(schema.organizations)
          .values({ name: input.name, slug: slugOf(input.name) })
          .returning();
        await tx
          .insert(schema.memberships)
          .values({ orgId: org!.id, userId: ctx.principal.user.id, role: "owner" });
        return { id: org!.id, name: org!.name, slug: org!.slug, plan: org!.plan, role: "owner" as const };
      });
    }),

  list: userProcedure
    .meta({
      scope: "read",
      openapi: {
        method: "GET",
        path: "/orgs",
        tags: ["organizations"],
        summary: "Your organizations, with your role in each",
      },
    })
    .output(z.array(orgViewSchema))
    .query(async ({ ctx }) => {
      const rows = await ctx.services.db
        .select({ org: schema.organizations, role: schema.memberships.role })
        .from(schema.memberships)
        .innerJoin(schema.organizations, eq(schema.organizations.id, schema.memberships.orgId))
        .where(
          and(
            eq(schema.memberships.userId, ctx.principal.user.id),
            // A key sees its own organization only.
            ...(ctx.principal.kind === "apiKey" ? [eq(schema.memberships.orgId, ctx.principal.orgId)] : []),
          ),
        )
        .orderBy(asc(schema.organizations.name));
      return rows.map(({ org, role }) => ({
        id: org.id,
        name: org.name,
        slug: org.slug,
        plan: org.plan,
        role: ctx.principal.kind === "apiKey" && role === "owner" ? ("admin" as const) : role,
      }));
    }),

  members: orgProcedure().query(async ({ ctx }) => {
    const rows = await ctx.services.db
      .select({ user: schema.users, role: schema.memberships.role })
      .from(schema.memberships)
      .innerJoin(schema.users, eq(schema.users.id, schema.memberships.userId))
      .where(eq(schema.memberships.orgId, ctx.access.orgId))
      .orderBy(asc(schema.users.name));
    return rows.map(({ user, role }) => ({ userId: user.id, email: user.email, name: user.name, role }));
  }),

  addMember: orgProcedure("admin")
    .input(addMemberInput)
    .mutation(async ({ ctx, input }) => {
      const { db, bus } = ctx.services;
      const [user] = await db.select().from(schema.users).where(eq(schema.users.email, input.email));
      if (!user) throw new AppError("NOT_FOUND", "No account uses that email; ask them to sign up first.");
      // Under the organization's row lock, so two adds at once cannot both take the last seat.
      const added = await db.transaction(async (tx) => {
        const [seats] = rowsOf<{ seats: number | null; plan: string | null; members: number }>(
          await tx.execute(sql`
            select p.seats, p.name as plan,
              (select count(*)::int from memberships m where m.org_id = o.id) as members
            from organizations o left join plans p on p.id = o.plan
            where o.id = ${ctx.access.orgId}
            for update of o`),
        );
        if (seats?.seats != null && seats.members >= seats.seats) {
          throw new AppError(
            "PLAN_SEAT_LIMIT",
            `The ${seats.plan} plan has ${seats.seats} seats and all are taken; remove a member or move to a larger plan on the Billing page.`,
            { seats: seats.seats, members: seats.members, plan: seats.plan },
          );
        }
        const [row] = await tx
          .insert(schema.memberships)
          .values({ orgId: ctx.access.orgId, userId: user.id, role: input.role })
          .onConflictDoNothing()
          .returning();
        return row;
      });
      if (!added) throw new AppError("CONFLICT", "That person is already a member of this organization.");
      const member = { userId: user.id, email: user.email, name: user.name, role: input.role };
      const projects = await db
        .select({ id: schema.projects.id })
        .from(schema.projects)
        .where(eq(schema.projects.orgId, ctx.access.orgId));
      for (const p of projects) await bus.appendEvent(p.id, { type: "member.joined", member });
      await tellMember(ctx.services, ctx.access, user.id, "added", input.role, ctx.principal.user.name);
      return member;
    }),

  setRole: orgProcedure("admin")
    .input(setRoleInput)
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const changed = await db.transaction(async (tx) => {
        const current = await membershipOf(tx, ctx.access.orgId, input.userId);
        if ((current.role === "owner" || input.role === "owner") && ctx.access.role !== "owner") {
          throw new AppError("FORBIDDEN", "Only an owner can grant or take away the owner role.");
        }
        if (current.role === "owner" && input.role !== "owner")
          await assertAnotherOwner(tx, ctx.access.orgId);
        await tx
          .update(schema.memberships)
          .set({ role: input.role })
          .where(membershipKey(ctx.access.orgId, input.userId));
        return { userId: input.userId, role: input.role };
      });
      await tellMember(ctx.services, ctx.access, input.userId, "role", input.role, ctx.principal.user.name);
      await ctx.services.access.announce({
        kind: "membership.changed",
        orgId: ctx.access.orgId,
        userId: input.userId,
      });
      return changed;
    }),

  removeMember: orgProcedure("admin")
    .input(removeMemberInput)
    .mutation(async ({ ctx, input }) => {
      const removed = await ctx.services.db.transaction(async (tx) => {
        const current = await membershipOf(tx, ctx.access.orgId, input.userId);
        if (current.role === "owner") {
          if (ctx.access.role !== "owner")
            throw new AppError("FORBIDDEN", "Only an owner can remove an owner.");
          await assertAnotherOwner(tx, ctx.access.orgId);
        }
        await tx.delete(schema.memberships).where(membershipKey(ctx.access.orgId, input.userId));
        return { ok: true };
      });
      await tellMember(ctx.services, ctx.access, input.userId, "removed", null, ctx.principal.user.name);
      // Their open subscriptions to this organization's projects end within a second, on every instance.
      await ctx.services.access.announce({
        kind: "membership.changed",
        orgId: ctx.access.orgId,
        userId: input.userId,
      });
      return removed;
    }),

  /**
   * The signed-in person's own events: being added to an organization, a changed role, being removed.
   * Resumable with `lastEventId` like a project's events.
   */
  myEvents: userProcedure
    .meta({ scope: "read" })
    .use(wireCall)
    .input(myEventsInput)
    .subscription(async function* ({ ctx, input, signal }) {
      if (!ctx.credential) return;
      // A person's memberships in every organization: not what a key of one organization may read.
      if (ctx.principal.kind === "apiKey")
        throw toTrpcError(
          new AppError(
            "FORBIDDEN",
            "An API key has no personal event stream; subscribe to a project's events.",
          ),
        );
      // Ends with UNAUTHORIZED within a second of a sign-out or a revoked key.
      const lease = ctx.services.access.watch.lease(
        { credential: ctx.credential, principal: ctx.principal },
        signal ?? new AbortController().signal,
      );
      try {
        yield* durableStream(ctx, userStreamId(ctx.principal.user.id), input.lastEventId, lease.signal);
        const ended = lease.reason();
        if (ended) throw toTrpcError(ended);
      } finally {
        lease.stop();
      }
    }),
});

/** Tells a person, on their own stream, that their membership changed; a lost event is only logged. */
async function tellMember(
  services: Services,
  access: OrgAccess,
  userId: string,
  change: "added" | "role" | "removed",
  role: Role | null,
  by: string,
): Promise<void> {
  const [org] = await services.db
    .select({ name: schema.organizations.name })
    .from(schema.organizations)
    .where(eq(schema.organizations.id, access.orgId));
  const event: ProjectEventInput = {
    type: "membership.changed",
    change,
    orgId: access.orgId,
    orgName: org?.name ?? "an organization",
    role,
    by,
  };
  await services.bus
    .appendEvent(userStreamId(userId), event)
    .catch((err: unknown) => services.log.warn({ err, userId }, "membership event not appended"));
}

type Tx = Parameters<Parameters<import("@atelier/db").Database["transaction"]>[0]>[0];

const membershipKey = (orgId: string, userId: string) =>
  and(eq(schema.memberships.orgId, orgId), eq(schema.memberships.userId, userId));

/** A member's membership row, or NOT_FOUND when they are not (or no longer) a member. */
async function membershipOf(tx: Tx, orgId: string, userId: string) {
  const [membership] = await tx.select().from(schema.memberships).where(membershipKey(orgId, userId));
  if (!membership) throw new AppError("NOT_FOUND", "That person is not a member of this organization.");
  return membership;
}

async function assertAnotherOwner(tx: Tx, orgId: string): Promise<void> {
  const [row] = await tx
    .select({ owners: count() })
    .from(schema.memberships)
    .where(and(eq(schema.memberships.orgId, orgId), eq(schema.memberships.role, "owner")));
  if ((row?.owners ?? 0) < 2) {
    throw new AppError(
      "CONFLICT",
      "An organization needs at least one owner; make someone else owner first.",
    );
  }
}

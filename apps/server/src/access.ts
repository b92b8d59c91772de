import { and, type Database, eq, prepared, schema, sql } from "@atelier/db";
import { AppError, id, type Role } from "@atelier/shared";
import { z } from "zod";
import type { Principal } from "./auth/authenticate.ts";
import { scopeForRole, userProcedure } from "./trpc.ts";

/** A named parameter of a prepared query. */
export const param = (name: string) => sql.placeholder(name);

const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export interface OrgAccess {
  orgId: string;
  role: Role;
}

/** The one place that decides whether a member's role lets them act in an organization. */
export function authorize(access: OrgAccess, minRole: Role): void {
  if (rank[access.role] < rank[minRole]) {
    throw new AppError(
      "FORBIDDEN",
      access.role === "viewer"
        ? "Viewers cannot make changes; ask an admin of this organization for the member role."
        : `This needs the ${minRole} role in this organization; you are ${access.role}.`,
      { role: access.role, required: minRole },
    );
  }
}

/** Resources of organizations the user is not in answer NOT_FOUND, exactly like resources that do not exist. */
export function notFound(what: string): AppError {
  return new AppError("NOT_FOUND", `No ${what} with that id in your organizations.`);
}

/**
 * The role a caller acts with in an organization. A person acts with their membership's role; an API
 * key only in its own organization (any other answers NOT_FOUND, as for a stranger), with at most
 * its maker's current role there and never as owner: owners' powers (owners, deleting) stay with people.
 */
export function actingRole(principal: Principal, orgId: string, memberRole: Role): Role | null {
  if (principal.kind !== "apiKey") return memberRole;
  if (principal.orgId !== orgId) return null;
  return memberRole === "owner" ? "admin" : memberRole;
}

export async function resolveOrg(db: Database, principal: Principal, orgId: string): Promise<OrgAccess> {
  const userId = principal.user.id;
  const [row] = await prepared(db, "resolveOrg", (d) =>
    d
      .select({ role: schema.memberships.role })
      .from(schema.memberships)
      .where(
        and(eq(schema.memberships.orgId, param("orgId")), eq(schema.memberships.userId, param("userId"))),
      )
      .prepare("resolve_org"),
  ).execute({ orgId, userId });
  const role = row && actingRole(principal, orgId, row.role);
  if (!role) throw notFound("organization");
  return { orgId, role };
}

type OwnedTable = typeof schema.projects | typeof schema.assets | typeof schema.jobs;

/**
 * A row of an organization's table with the user's role there, or NOT_FOUND when the row does not exist
 * or its organization is not the user's: one prepared query per kind.
 */
function ownedResolver<T extends OwnedTable>(table: T, what: string) {
  return async (db: Database, principal: Principal, id: string) => {
    const userId = principal.user.id;
    const [found] = await prepared(db, `resolve_${what}`, (d) =>
      d
        .select({ row: table as OwnedTable, role: schema.memberships.role })
        .from(table as OwnedTable)
        .innerJoin(
          schema.memberships,
          and(eq(schema.memberships.orgId, table.orgId), eq(schema.memberships.userId, param("userId"))),
        )
        .where(eq(table.id, param("id")))
        .prepare(`resolve_${what}`),
    ).execute({ userId, id });
    const row = found?.row as T["$inferSelect"] | undefined;
    const role = found && row && actingRole(principal, row.orgId, found.role);
    if (!role || !row) throw notFound(what);
    return { role, row };
  };
}

const projectRow = ownedResolver(schema.projects, "project");
const assetRow = ownedResolver(schema.assets, "asset");
const jobRow = ownedResolver(schema.jobs, "job");

export type ProjectAccess = Awaited<ReturnType<typeof resolveProject>>;

export async function resolveProject(db: Database, principal: Principal, projectId: string) {
  const { role, row } = await projectRow(db, principal, projectId);
  return { orgId: row.orgId, role, project: row };
}

export async function resolveAsset(db: Database, principal: Principal, assetId: string) {
  const { role, row } = await assetRow(db, principal, assetId);
  return { orgId: row.orgId, role, asset: row };
}

export async function resolveJob(db: Database, principal: Principal, jobId: string) {
  const { role, row } = await jobRow(db, principal, jobId);
  return { orgId: row.orgId, role, job: row };
}

/** Procedures on an organization named by `orgId`; `ctx.access` carries the caller's role. */
export const orgProcedure = (minRole: Role = "viewer") =>
  userProcedure
    .meta({ resource: "org", minRole, scope: scopeForRole(minRole) })
    .input(z.object({ orgId: id }))
    .use(async ({ ctx, input, next }) => {
      const access = await resolveOrg(ctx.services.db, ctx.principal, input.orgId);
      authorize(access, minRole);
      return next({ ctx: { access } });
    });

/** Procedures on a project named by `projectId`. */
export const projectProcedure = (minRole: Role = "viewer") =>
  userProcedure
    .meta({ resource: "project", minRole, scope: scopeForRole(minRole) })
    .input(z.object({ projectId: id }))
    .use(async ({ ctx, input, next }) => {
      const access = await resolveProject(ctx.services.db, ctx.principal, input.projectId);
      authorize(access, minRole);
      return next({ ctx: { access } });
    });

/** Procedures on an asset named by `assetId`. */
export const assetProcedure = (minRole: Role = "viewer") =>
  userProcedure
    .meta({ resource: "asset", minRole, scope: scopeForRole(minRole) })
    .input(z.object({ assetId: id }))
    .use(async ({ ctx, input, next }) => {
      const access = await resolveAsset(ctx.services.db, ctx.principal, input.assetId);
      authorize(access, minRole);
      return next({ ctx: { access } });
    });

/** Procedures on a job named by `jobId`. */
export const jobProcedure = (minRole: Role = "viewer") =>
  userProcedure
    .meta({ resource: "job", minRole, scope: scopeForRole(minRole) })
    .input(z.object({ jobId: id }))
    .use(async ({ ctx, input, next }) => {
      const access = await resolveJob(ctx.services.db, ctx.principal, input.jobId);
      authorize(access, minRole);
      return next({ ctx: { access } });
    });

/**
 * Who may delete a thing in a project, past the member role its procedure requires: whoever uploaded or
 * ran it, or an admin or owner of the organization.
 */
export function authorizeDelete(
  principal: Principal,
  access: OrgAccess,
  ownerId: string | null,
  what: string,
): void {
  if (rank[access.role] < rank.admin && ownerId !== principal.user.id) {
    throw new AppError(
      "FORBIDDEN",
      `Only whoever made this ${what} or an admin of the organization can delete it.`,
      { role: access.role },
    );
  }
}

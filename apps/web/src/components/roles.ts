import type { Role } from "@atelier/shared";

export const roleLabels: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  member: "Member",
  viewer: "Viewer",
};

/** Roles a person with `myRole` may hand out; only owners make owners. */
export function assignableRoles(myRole: Role): Role[] {
  return myRole === "owner" ? ["owner", "admin", "member", "viewer"] : ["admin", "member", "viewer"];
}

export function canManageMembers(role: Role): boolean {
  return role === "owner" || role === "admin";
}

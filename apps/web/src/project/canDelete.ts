import type { Role } from "@atelier/shared";

/** The server's rule, to show Delete only where it is allowed: admins anything, members their own. */
export function canDelete(role: Role | undefined, selfId: string, ownerId: string | null): boolean {
  if (role === "owner" || role === "admin") return true;
  return role === "member" && ownerId === selfId;
}

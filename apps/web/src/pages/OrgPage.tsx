import { MembersPanel } from "../components/MembersPanel.tsx";
import { ProjectsSection } from "../components/ProjectsSection.tsx";
import { canManageMembers, roleLabels } from "../components/roles.ts";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useOrgs } from "../session/OrgsContext.tsx";

export function OrgPage({ orgId }: { orgId: string }) {
  const { orgs, loading, error } = useOrgs();
  const org = orgs.find((o) => o.id === orgId);
  if (!org) {
    if (loading) return <p className="muted">Loading…</p>;
    return (
      <p className="form-error" role="alert">
        {error ?? "This organization does not exist or you are not a member of it."}
      </p>
    );
  }
  return (
    <>
      <div className="page-heading">
        <h1>{org.name}</h1>
        <span className="role-badge">{roleLabels[org.role]}</span>
        {canManageMembers(org.role) && (
          <nav aria-label="Organization" className="admin-link">
            <Link className="button" to={pathOf({ name: "orgAdmin", orgId: org.id, section: "formats" })}>
              Admin settings
            </Link>
          </nav>
        )}
      </div>
      <div className="org-layout">
        <ProjectsSection orgId={org.id} canCreate={org.role !== "viewer"} />
        <MembersPanel org={org} />
      </div>
    </>
  );
}

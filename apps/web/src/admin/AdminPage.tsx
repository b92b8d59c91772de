import { FormError } from "../components/FormError.tsx";
import { canManageMembers } from "../components/roles.ts";
import { Link } from "../router/Link.tsx";
import { type AdminSection, adminSections, operatorSections, pathOf } from "../router/routes.ts";
import { useOrgs } from "../session/OrgsContext.tsx";
import { useSession } from "../session/SessionContext.tsx";
import { GrantsAdmin } from "../billing/GrantsAdmin.tsx";
import { PacksAdmin } from "../billing/PacksAdmin.tsx";
import { PlansAdmin } from "../billing/PlansAdmin.tsx";
import { ApiKeysAdmin } from "./ApiKeysAdmin.tsx";
import { DeadLettersAdmin } from "./DeadLettersAdmin.tsx";
import { FormatsAdmin } from "./FormatsAdmin.tsx";
import { NodesAdmin } from "./NodesAdmin.tsx";
import { OrgJobsAdmin, QueuesAdmin } from "./QueuesAdmin.tsx";
import { ReviewAdmin } from "./ReviewAdmin.tsx";
import { RulesAdmin } from "./RulesAdmin.tsx";
import { TextStylesAdmin } from "./TextStylesAdmin.tsx";
import { WebhooksAdmin } from "./WebhooksAdmin.tsx";
import "./admin.css";

export const sectionLabels: Record<AdminSection, string> = {
  formats: "Asset formats",
  "text-styles": "Text styles",
  rules: "Rules",
  review: "Review",
  nodes: "Nodes",
  queues: "Queues",
  "dead-letters": "Dead letters",
  "api-keys": "API keys",
  webhooks: "Webhooks",
  plans: "Plans",
  packs: "Credit packs",
  grants: "Grant credits",
};

/** An organization's admin pages: its own settings, and the installation's engine room. */
export function AdminPage({ orgId, section }: { orgId: string; section: AdminSection }) {
  const { orgs, loading, error } = useOrgs();
  const operator = useSession().user?.isOperator ?? false;
  const org = orgs.find((o) => o.id === orgId);
  if (!org) {
    if (loading) return <p className="muted">Loading…</p>;
    return <FormError message={error ?? "This organization does not exist or you are not a member of it."} />;
  }
  const breadcrumb = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={pathOf({ name: "org", orgId })}>{org.name}</Link>
      <span aria-hidden="true"> / </span>
      <span aria-current="page">Admin</span>
    </nav>
  );
  if (!canManageMembers(org.role)) {
    return (
      <>
        {breadcrumb}
        <h1>Admin</h1>
        <p className="form-error" role="alert">
          Only owners and admins of {org.name} can open its admin pages. Ask one of them to change your role.
        </p>
      </>
    );
  }
  return (
    <>
      {breadcrumb}
      <div className="page-heading">
        <h1>Admin · {sectionLabels[section]}</h1>
      </div>
      <div className="admin-layout">
        <nav aria-label="Admin" className="admin-nav">
          <ul>
            {adminSections
              .filter((s) => operator || !operatorSections.includes(s))
              .map((s) => (
                <li key={s}>
                  <Link
                    to={pathOf({ name: "orgAdmin", orgId, section: s })}
                    aria-current={s === section ? "page" : undefined}
                  >
                    {sectionLabels[s]}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <div className="admin-content">
          {section === "formats" && <FormatsAdmin orgId={orgId} />}
          {section === "text-styles" && <TextStylesAdmin orgId={orgId} />}
          {section === "rules" && <RulesAdmin orgId={orgId} />}
          {section === "review" && <ReviewAdmin orgId={orgId} />}
          {operatorSections.includes(section) && !operator && (
            <p className="muted">Only the operator of this installation sees this page.</p>
          )}
          {section === "nodes" && operator && <NodesAdmin orgId={orgId} />}
          {section === "plans" && operator && <PlansAdmin />}
          {section === "packs" && operator && <PacksAdmin />}
          {section === "grants" && operator && <GrantsAdmin orgId={orgId} />}
          {section === "queues" &&
            (operator ? <QueuesAdmin orgId={orgId} /> : <OrgJobsAdmin orgId={orgId} />)}
          {section === "dead-letters" && <DeadLettersAdmin orgId={orgId} />}
          {section === "api-keys" && <ApiKeysAdmin orgId={orgId} />}
          {section === "webhooks" && <WebhooksAdmin orgId={orgId} />}
        </div>
      </div>
    </>
  );
}

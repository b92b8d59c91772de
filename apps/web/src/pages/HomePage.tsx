import { CreateOrgForm } from "../components/CreateOrgForm.tsx";
import { FormError } from "../components/FormError.tsx";
import { navigate } from "../router/navigation.ts";
import { Redirect } from "../router/Redirect.tsx";
import { pathOf } from "../router/routes.ts";
import { useOrgs } from "../session/OrgsContext.tsx";

/** Sends people to their first organization, or helps them create one. */
export function HomePage() {
  const { orgs, loading, error } = useOrgs();
  const first = orgs[0];
  if (first) return <Redirect to={pathOf({ name: "org", orgId: first.id })} />;
  if (loading) return <p className="muted">Loading…</p>;
  return (
    <section className="panel welcome">
      <h1>Welcome to Atelier</h1>
      <p>Create an organization to hold your projects and invite your team.</p>
      <FormError message={error} />
      <CreateOrgForm onCreated={(org) => navigate(pathOf({ name: "org", orgId: org.id }))} />
    </section>
  );
}

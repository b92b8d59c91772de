import { AdminPage } from "./admin/AdminPage.tsx";
import { BillingPage } from "./billing/BillingPage.tsx";
import { UsagePage } from "./billing/UsagePage.tsx";
import { AppShell } from "./components/AppShell.tsx";
import { AssetEditorPage } from "./pages/AssetEditorPage.tsx";
import { FormatGalleryPage } from "./pages/FormatGalleryPage.tsx";
import { FormError } from "./components/FormError.tsx";
import { HomePage } from "./pages/HomePage.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { OrgPage } from "./pages/OrgPage.tsx";
import { ProjectRoute } from "./pages/ProjectRoute.tsx";
import { SignInPage } from "./pages/SignInPage.tsx";
import { SignUpPage } from "./pages/SignUpPage.tsx";
import { usePath, useRoute } from "./router/navigation.ts";
import { Redirect } from "./router/Redirect.tsx";
import { pathOf, type Route } from "./router/routes.ts";
import { OrgsProvider } from "./session/OrgsContext.tsx";
import { useSession } from "./session/SessionContext.tsx";

export function App() {
  const { user, loadError } = useSession();
  const route = useRoute();
  const path = usePath();

  if (user === undefined) {
    return (
      <main className="auth-page">
        {loadError ? <FormError message={loadError} /> : <p className="muted">Loading…</p>}
      </main>
    );
  }
  if (!user) {
    if (route.name === "signIn") return <SignInPage next={route.next} />;
    if (route.name === "signUp") return <SignUpPage next={route.next} />;
    return <Redirect to={pathOf({ name: "signIn", next: path === "/" ? null : path })} />;
  }
  if (route.name === "signIn" || route.name === "signUp") return <Redirect to={route.next ?? "/"} />;
  return (
    <OrgsProvider key={user.id}>
      <SignedInRoute route={route} />
    </OrgsProvider>
  );
}

function SignedInRoute({ route }: { route: Route }) {
  switch (route.name) {
    case "project":
      return <ProjectRoute projectId={route.projectId} />;
    case "asset":
      return <AssetEditorPage key={route.assetId} projectId={route.projectId} assetId={route.assetId} />;
    case "assetFormats":
      return <FormatGalleryPage key={route.assetId} projectId={route.projectId} assetId={route.assetId} />;
    case "org":
      return (
        <AppShell currentOrgId={route.orgId}>
          <OrgPage orgId={route.orgId} />
        </AppShell>
      );
    case "orgAdmin":
      return (
        <AppShell currentOrgId={route.orgId}>
          <AdminPage orgId={route.orgId} section={route.section} />
        </AppShell>
      );
    case "orgBilling":
      return (
        <AppShell currentOrgId={route.orgId}>
          <BillingPage orgId={route.orgId} />
        </AppShell>
      );
    case "orgUsage":
      return (
        <AppShell currentOrgId={route.orgId}>
          <UsagePage orgId={route.orgId} />
        </AppShell>
      );
    case "notFound":
      return (
        <AppShell currentOrgId={null}>
          <NotFoundPage path={route.path} />
        </AppShell>
      );
    default:
      return (
        <AppShell currentOrgId={null}>
          <HomePage />
        </AppShell>
      );
  }
}

import type { ReactNode } from "react";
import { useAction } from "../api/useAction.ts";
import { Link } from "../router/Link.tsx";
import { useSession } from "../session/SessionContext.tsx";
import { ThemeToggle } from "../theme/ThemeToggle.tsx";
import { FormError } from "./FormError.tsx";
import { OrgSwitcher } from "./OrgSwitcher.tsx";
import { BalanceBadge } from "../billing/BalanceBadge.tsx";

/** The header every signed-in page shares: brand, organization switcher, who is signed in. */
export function AppShell({ currentOrgId, children }: { currentOrgId: string | null; children: ReactNode }) {
  const { user, signOut } = useSession();
  const action = useAction(signOut);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          Atelier
        </Link>
        <OrgSwitcher currentOrgId={currentOrgId} />
        {currentOrgId && <BalanceBadge orgId={currentOrgId} />}
        <div className="account">
          <ThemeToggle />
          <span className="account-name" title={user?.email}>
            {user?.name}
            {user?.isOperator && <span className="operator-tag"> · operator</span>}
          </span>
          <button
            type="button"
            className="button"
            onClick={() => void action.run()}
            disabled={action.pending}
          >
            Sign out
          </button>
        </div>
      </header>
      <FormError message={action.error} />
      <main id="main" className="app-main">
        {children}
      </main>
    </div>
  );
}

import type { OrgView, ProjectEvent } from "@atelier/shared";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useResource } from "../api/useResource.ts";
import { useApi, useSession } from "./SessionContext.tsx";

export interface Orgs {
  orgs: OrgView[];
  loading: boolean;
  error: string | null;
  reload(): void;
  /** Adds an organization the person just created, without waiting for a reload. */
  add(org: OrgView): void;
}

const OrgsContext = createContext<Orgs | null>(null);

/** The signed-in person's organizations, shared by the switcher and every page. */
export function OrgsProvider({ children }: { children: ReactNode }) {
  const client = useApi();
  const { user } = useSession();
  const resource = useResource(() => client.orgs.list.query(), `${user?.id ?? "anonymous"}`);
  const { setData } = resource;
  const add = useCallback(
    (org: OrgView) => setData((current) => [...(current ?? []).filter((o) => o.id !== org.id), org]),
    [setData],
  );
  const value = useMemo<Orgs>(
    () => ({
      orgs: resource.data ?? [],
      loading: resource.loading,
      error: resource.error,
      reload: resource.reload,
      add,
    }),
    [resource.data, resource.loading, resource.error, resource.reload, add],
  );
  const notice = useMembershipNews(resource.reload);
  return (
    <OrgsContext.Provider value={value}>
      {children}
      {notice && (
        <div className="membership-notice" role="status">
          <span>{notice.text}</span>
          {notice.orgId && (
            <Link to={pathOf({ name: "org", orgId: notice.orgId })} className="button button-small">
              Open
            </Link>
          )}
          <button type="button" className="button button-small" onClick={notice.dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </OrgsContext.Provider>
  );
}

type MembershipEvent = Extract<ProjectEvent, { type: "membership.changed" }>;

/** What a membership change says to the person it concerns. */
export function membershipNews(event: MembershipEvent): string {
  if (event.change === "added") return `${event.by} added you to ${event.orgName} as ${event.role}.`;
  if (event.change === "removed") return `${event.by} removed you from ${event.orgName}.`;
  return `${event.by} made you ${event.role} in ${event.orgName}.`;
}

/**
 * The person's own stream: when someone adds them to an organization or changes their role, the list
 * of organizations (and every role-dependent control) follows at once, and a notice says so.
 */
function useMembershipNews(reload: () => void) {
  const client = useApi();
  const [news, setNews] = useState<{ text: string; orgId: string | null } | null>(null);
  useEffect(() => {
    const subscription = client.orgs.myEvents.subscribe(
      {},
      {
        onData: ({ data }) => {
          // Missed events the stream no longer holds: the organizations may have changed meanwhile.
          if (data.type === "resync") return reload();
          if (data.type !== "membership.changed") return;
          reload();
          setNews({ text: membershipNews(data), orgId: data.change === "removed" ? null : data.orgId });
        },
      },
    );
    return () => subscription.unsubscribe();
  }, [client, reload]);
  return news && { ...news, dismiss: () => setNews(null) };
}

export function useOrgs(): Orgs {
  const orgs = useContext(OrgsContext);
  if (!orgs) throw new Error("useOrgs must be used inside <OrgsProvider>.");
  return orgs;
}

import type { OrgView } from "@atelier/shared";
import { createContext, type ReactNode, useCallback, useContext, useMemo } from "react";
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
  return <OrgsContext.Provider value={value}>{children}</OrgsContext.Provider>;
}

export function useOrgs(): Orgs {
  const orgs = useContext(OrgsContext);
  if (!orgs) throw new Error("useOrgs must be used inside <OrgsProvider>.");
  return orgs;
}

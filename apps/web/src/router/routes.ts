/** Every screen of the editor, as parsed from the address bar. */
export type Route =
  | { name: "signIn"; next: string | null }
  | { name: "signUp"; next: string | null }
  | { name: "home" }
  | { name: "org"; orgId: string }
  | { name: "orgAdmin"; orgId: string; section: AdminSection }
  | { name: "orgBilling"; orgId: string }
  | { name: "orgUsage"; orgId: string }
  | { name: "project"; projectId: string }
  | { name: "asset"; projectId: string; assetId: string }
  | { name: "assetFormats"; projectId: string; assetId: string }
  | { name: "notFound"; path: string };

/** The organization admin pages, in the order of their navigation. */
export const adminSections = [
  "formats",
  "text-styles",
  "rules",
  "review",
  "nodes",
  "queues",
  "dead-letters",
  "api-keys",
  "webhooks",
  "plans",
  "packs",
  "grants",
] as const;
export type AdminSection = (typeof adminSections)[number];
/** Installation-wide sections: only the operator sees them (the server refuses anyone else too). */
export const operatorSections: readonly AdminSection[] = ["nodes", "plans", "packs", "grants"];

const uuid = "[0-9a-fA-F-]{36}";
const orgPath = new RegExp(`^/orgs/(${uuid})/?$`);
const orgAdminPath = new RegExp(`^/orgs/(${uuid})/admin(?:/([a-z-]+))?/?$`);
const orgBillingPath = new RegExp(`^/orgs/(${uuid})/billing/?$`);
const orgUsagePath = new RegExp(`^/orgs/(${uuid})/usage/?$`);
const projectPath = new RegExp(`^/projects/(${uuid})/?$`);
const assetPath = new RegExp(`^/projects/(${uuid})/assets/(${uuid})(/formats)?/?$`);

export function parseRoute(pathname: string, search = ""): Route {
  const next = safeNext(new URLSearchParams(search).get("next"));
  if (pathname === "/" || pathname === "") return { name: "home" };
  if (pathname === "/sign-in") return { name: "signIn", next };
  if (pathname === "/sign-up") return { name: "signUp", next };
  const org = orgPath.exec(pathname);
  if (org?.[1]) return { name: "org", orgId: org[1] };
  const admin = orgAdminPath.exec(pathname);
  if (admin?.[1]) {
    const section = (admin[2] ?? "formats") as AdminSection;
    if (adminSections.includes(section)) return { name: "orgAdmin", orgId: admin[1], section };
  }
  const billing = orgBillingPath.exec(pathname);
  if (billing?.[1]) return { name: "orgBilling", orgId: billing[1] };
  const usage = orgUsagePath.exec(pathname);
  if (usage?.[1]) return { name: "orgUsage", orgId: usage[1] };
  const project = projectPath.exec(pathname);
  if (project?.[1]) return { name: "project", projectId: project[1] };
  const asset = assetPath.exec(pathname);
  if (asset?.[1] && asset[2]) {
    return { name: asset[3] ? "assetFormats" : "asset", projectId: asset[1], assetId: asset[2] };
  }
  return { name: "notFound", path: pathname };
}

export function pathOf(route: Route): string {
  switch (route.name) {
    case "home":
      return "/";
    case "signIn":
      return withNext("/sign-in", route.next);
    case "signUp":
      return withNext("/sign-up", route.next);
    case "org":
      return `/orgs/${route.orgId}`;
    case "orgAdmin":
      return `/orgs/${route.orgId}/admin/${route.section}`;
    case "orgBilling":
      return `/orgs/${route.orgId}/billing`;
    case "orgUsage":
      return `/orgs/${route.orgId}/usage`;
    case "project":
      return `/projects/${route.projectId}`;
    case "asset":
      return `/projects/${route.projectId}/assets/${route.assetId}`;
    case "assetFormats":
      return `/projects/${route.projectId}/assets/${route.assetId}/formats`;
    case "notFound":
      return route.path;
  }
}

function withNext(path: string, next: string | null): string {
  return next ? `${path}?${new URLSearchParams({ next })}` : path;
}

// Only paths inside this app: `next=https://evil.example` must not become a redirect.
function safeNext(next: string | null): string | null {
  if (!next?.startsWith("/") || next.startsWith("//")) return null;
  return next;
}

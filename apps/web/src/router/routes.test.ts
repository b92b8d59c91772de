import { describe, expect, it } from "vitest";
import { parseRoute, pathOf } from "./routes.ts";

const projectId = "0b6c1c1e-8a43-4d44-9a55-1f7e4c2b9d10";

describe("editor routes", () => {
  it("opens a shared project link on the project page", () => {
    expect(parseRoute(`/projects/${projectId}`)).toEqual({ name: "project", projectId });
  });

  it("opens an asset's editor and its format gallery from a shared link", () => {
    const assetId = "5d0f8a7e-1c2b-4f3a-9e8d-7c6b5a4f3e2d";
    const editor = parseRoute(`/projects/${projectId}/assets/${assetId}`);
    expect(editor).toEqual({ name: "asset", projectId, assetId });
    expect(pathOf(editor)).toBe(`/projects/${projectId}/assets/${assetId}`);
    const gallery = parseRoute(`/projects/${projectId}/assets/${assetId}/formats`);
    expect(gallery).toEqual({ name: "assetFormats", projectId, assetId });
    expect(pathOf(gallery)).toBe(`/projects/${projectId}/assets/${assetId}/formats`);
  });

  it("returns to the page a signed-out person asked for after signing in", () => {
    const signIn = parseRoute("/sign-in", `?next=${encodeURIComponent(`/projects/${projectId}`)}`);
    expect(signIn).toEqual({ name: "signIn", next: `/projects/${projectId}` });
    expect(parseRoute(...splitUrl(pathOf(signIn)))).toEqual(signIn);
  });

  it("never redirects to another site after signing in", () => {
    expect(parseRoute("/sign-in", "?next=https://evil.example")).toEqual({ name: "signIn", next: null });
    expect(parseRoute("/sign-in", "?next=//evil.example")).toEqual({ name: "signIn", next: null });
  });

  it("opens an organization's admin pages, the formats first", () => {
    const orgId = projectId;
    expect(parseRoute(`/orgs/${orgId}/admin`)).toEqual({ name: "orgAdmin", orgId, section: "formats" });
    const nodes = parseRoute(`/orgs/${orgId}/admin/nodes`);
    expect(nodes).toEqual({ name: "orgAdmin", orgId, section: "nodes" });
    expect(pathOf(nodes)).toBe(`/orgs/${orgId}/admin/nodes`);
    expect(parseRoute(`/orgs/${orgId}/admin/dead-letters/`)).toMatchObject({ section: "dead-letters" });
    expect(parseRoute(`/orgs/${orgId}/admin/secrets`).name).toBe("notFound");
  });

  it("opens an organization's billing and usage pages and the operator's plans, packs and grants", () => {
    const orgId = projectId;
    const usage = parseRoute(`/orgs/${orgId}/usage`);
    expect(usage).toEqual({ name: "orgUsage", orgId });
    expect(pathOf(usage)).toBe(`/orgs/${orgId}/usage`);
    expect(parseRoute(`/orgs/${orgId}/billing/`)).toEqual({ name: "orgBilling", orgId });
    for (const section of ["plans", "packs", "grants"] as const) {
      expect(parseRoute(`/orgs/${orgId}/admin/${section}`)).toEqual({ name: "orgAdmin", orgId, section });
    }
  });

  it("shows a not-found page for unknown addresses", () => {
    expect(parseRoute("/orgs/not-an-id")).toEqual({ name: "notFound", path: "/orgs/not-an-id" });
  });
});

function splitUrl(path: string): [string, string] {
  const url = new URL(path, "http://x.invalid");
  return [url.pathname, url.search];
}

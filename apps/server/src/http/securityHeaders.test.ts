import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../testing/testApp.ts";
import { s3Origins } from "./securityHeaders.ts";

describe("security headers", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("send a strict CSP with no inline script, nosniff and no framing on every response", async () => {
    for (const path of ["/", "/orgs/x/projects/y", "/healthz", "/trpc/auth.me"]) {
      const res = await fetch(`${app.url}${path}`);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect({ path, csp }).toEqual({ path, csp: expect.stringContaining("script-src 'self'") });
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("let the browser reach the object store's origins for images and uploads", () => {
    expect(
      s3Origins({
        bucket: "b",
        region: "eu-west-1",
        forcePathStyle: false,
        publicEndpoint: "https://files.example",
      }),
    ).toEqual(["https://files.example", "https://b.files.example"]);
    expect(s3Origins({ bucket: "b", region: "eu-west-1", forcePathStyle: false })).toContain(
      "https://b.s3.eu-west-1.amazonaws.com",
    );
  });
});

import { compileErrors, validate } from "@readme/openapi-parser";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject } from "../testing/fixtures.ts";
import { startTestApp, type TestApp } from "../testing/testApp.ts";

/** The REST API as someone without TypeScript uses it: plain fetch, an API key, JSON. */
describe("REST API under /api/v1", () => {
  let app: TestApp;
  let apiKey: string;
  let projectId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const owner = app.client();
    ({
      project: { id: projectId },
    } = await signUpWithProject(owner));
    ({ key: apiKey } = await owner.trpc.auth.createApiKey.mutate({
      name: "rest",
      scopes: ["read", "write"],
    }));
  });
  afterAll(() => app?.close());

  const api = (path: string, init: { method?: string; body?: unknown; key?: string | null } = {}) =>
    fetch(`${app.url}/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: {
        ...(init.key === null ? {} : { authorization: `Bearer ${init.key ?? apiKey}` }),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  it("serves an OpenAPI 3 document that validates, with the job routes and the key scheme", async () => {
    const res = await fetch(`${app.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as {
      openapi: string;
      servers: Array<{ url: string }>;
      paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(document.openapi).toMatch(/^3\./);
    expect(document.servers[0]!.url).toBe(`${app.url}/api/v1`);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/jobs",
        "/jobs/{jobId}",
        "/projects/{projectId}/uploads",
        "/assets/{assetId}/complete",
      ]),
    );
    expect(Object.keys(document.paths["/jobs"]!.post!.responses)).toContain("202");
    expect(document.paths["/jobs"]!.post!.responses["202"]!.headers).toHaveProperty("Location");
    expect(document.components.securitySchemes).toHaveProperty("apiKey");
  });

  it("uploads through a presigned URL, answers POST /jobs with 202 and a Location, and polls it to outputs", async () => {
    const bytes = fixture("chelsea.png");
    const started = await api(`/projects/${projectId}/uploads`, {
      method: "POST",
      body: { filename: "chelsea.png", contentType: "image/png", bytes: bytes.length },
    });
    expect(started.status).toBe(200);
    const { asset, upload } = (await started.json()) as {
      asset: { id: string; status: string };
      upload: { url: string; method: string; headers: Record<string, string> };
    };
    expect(asset.status).toBe("uploading");
    const put = await fetch(upload.url, {
      method: upload.method,
      headers: upload.headers,
      body: new Uint8Array(bytes),
    });
    expect(put.status).toBe(200);
    const completed = await api(`/assets/${asset.id}/complete`, { method: "POST", body: {} });
    expect(await completed.json()).toMatchObject({ id: asset.id, status: "ready", width: 451, height: 300 });

    const created = await api("/jobs", {
      method: "POST",
      body: { projectId, assetIds: [asset.id], preset: "remove-background" },
    });
    expect(created.status).toBe(202);
    const job = (await created.json()) as { id: string; status: string };
    expect(job.status).toBe("queued");
    const location = created.headers.get("location")!;
    expect(location).toBe(`${app.url}/api/v1/jobs/${job.id}`);

    let polled: { status: string; outputs: Array<{ fileName: string; url: string; mediaType: string }> };
    const deadline = Date.now() + 120_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const res = await fetch(location, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(res.status).toBe(200);
      polled = (await res.json()) as typeof polled;
    } while (!["succeeded", "failed", "cancelled"].includes(polled.status) && Date.now() < deadline);
    expect(polled.status).toBe("succeeded");
    const cutout = polled.outputs.find((o) => o.fileName === "chelsea.cutout.png")!;
    expect(cutout.mediaType).toBe("image/png");
    const png = Buffer.from(await (await fetch(cutout.url)).arrayBuffer());
    expect((await sharp(png).metadata()).hasAlpha).toBe(true);
  }, 180_000);

  it("answers errors as { error: { code, message, details } } with the AppError's status", async () => {
    const missing = await api("/jobs/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: "NOT_FOUND", message: expect.any(String), details: {} },
    });

    const anonymous = await api(`/projects/${projectId}/jobs`, { key: null });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");

    const badKey = await api(`/projects/${projectId}/jobs`, { key: "atl_not-a-key" });
    expect(badKey.status).toBe(401);

    const invalid = await api("/jobs", { method: "POST", body: { projectId, assetIds: [] } });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.message).toContain("Choose at least one asset.");

    const unknown = await api("/nowhere");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("serves the reference page with Scalar from the server itself, inline styles allowed on that page only", async () => {
    const page = await fetch(`${app.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('src="/api/docs/scalar.js"');
    expect(html).not.toMatch(/<script>[^<]/);
    expect(page.headers.get("content-security-policy")).toContain("style-src 'self' 'unsafe-inline'");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
    const bundle = await fetch(`${app.url}/api/docs/scalar.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toContain("javascript");
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const init = await (await fetch(`${app.url}/api/docs/init.js`)).text();
    expect(init).toContain('url: "/api/openapi.json"');
    // Everywhere else the policy stays strict.
    const health = await fetch(`${app.url}/healthz`);
    expect(health.headers.get("content-security-policy")).toContain("style-src 'self';");
  });
});

import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import { appRouter } from "../router.ts";

export const REST_BASE_PATH = "/api/v1";

/**
 * The OpenAPI 3 document of the REST API: every procedure whose meta has `openapi`, generated from the
 * same procedures (inputs, outputs, scopes) the tRPC clients call. Built once per server.
 */
export function openApiDocument(publicUrl: string): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: "Atelier API",
    version: "1.0.0",
    description: [
      "Atelier's REST API, generated from the same procedures as its typed SDK (`@atelier/sdk`).",
      "",
      "Authenticate with an API key: `Authorization: Bearer atl_…`. Upload an image in three steps",
      "(POST /projects/{projectId}/uploads, PUT the bytes to the signed URL it answers, POST",
      "/assets/{assetId}/complete), run a preset with POST /jobs (202 Accepted and a Location), and",
      "poll GET /jobs/{jobId} until its status is `succeeded`, `failed` or `cancelled`; outputs carry",
      'signed download URLs. Errors answer `{ "error": { "code", "message", "details" } }` with',
      "the same codes as every other client of Atelier (`NOT_FOUND`, `INSUFFICIENT_CREDITS`, ...).",
    ].join("\n"),
    baseUrl: `${publicUrl}${REST_BASE_PATH}`,
    docsUrl: `${publicUrl}/api/docs`,
    tags: ["organizations", "projects", "assets", "jobs"],
    securitySchemes: {
      apiKey: { type: "http", scheme: "bearer", description: "An Atelier API key (atl_…)." },
    },
  });
  const created = document.paths?.["/jobs"]?.post;
  // The job is queued, not done: 202 with a Location to poll, as the procedure's responseMeta sends it.
  if (created?.responses?.["200"]) {
    created.responses["202"] = {
      ...created.responses["200"],
      description: "Accepted: the job is queued. Poll the Location (GET /jobs/{jobId}).",
      headers: {
        Location: { description: "The job's URL, to poll.", schema: { type: "string", format: "uri" } },
      },
    };
    delete created.responses["200"];
  }
  return document;
}

import { createReadStream, existsSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `/api/docs`: the API reference, rendered by Scalar's standalone bundle served from this server (no
 * CDN), configured by a script file of our own so the page needs no inline script. Scalar injects its
 * styles at run time, so this page alone allows inline styles (see `docsSecurityPolicy`).
 */

/** The build's copy (production installs have no @scalar/api-reference), else the package's own (a checkout). */
function scalarBundle(): string | undefined {
  const built = fileURLToPath(new URL("../../dist/api-docs/standalone.js", import.meta.url));
  if (existsSync(built)) return built;
  try {
    return join(
      dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")),
      "browser",
      "standalone.js",
    );
  } catch {
    return undefined;
  }
}

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Atelier API reference</title>
  </head>
  <body>
    <div id="api-reference"></div>
    <script src="/api/docs/scalar.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;

const init = `Scalar.createApiReference("#api-reference", {
  url: "/api/openapi.json",
  withDefaultFonts: false,
  hideClientButton: false,
  metaData: { title: "Atelier API reference" },
});
`;

/** The policy of the docs page: the app's, plus inline styles and data: fonts, which Scalar needs. */
export function docsSecurityPolicy(appPolicy: string): string {
  return appPolicy
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("font-src 'self'", "font-src 'self' data:");
}

/** Answers the docs page and its two scripts; false for any other path. */
export function serveApiDocs(path: string, res: ServerResponse, appPolicy: string): boolean {
  if (path === "/api/docs" || path === "/api/docs/") {
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": docsSecurityPolicy(appPolicy),
      "cache-control": "no-cache",
    });
    res.end(page);
    return true;
  }
  if (path === "/api/docs/init.js") {
    res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" });
    res.end(init);
    return true;
  }
  if (path === "/api/docs/scalar.js") {
    const bundle = scalarBundle();
    if (!bundle) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end(
        "The API reference renderer is missing: run `npm run build` (it copies it into apps/server/dist).",
      );
      return true;
    }
    res.writeHead(200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=86400",
    });
    createReadStream(bundle).pipe(res);
    return true;
  }
  return false;
}

import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { decodedPath } from "./requestPath.ts";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves the built web app; unknown paths get index.html so the app's router takes over. */
export function createStaticHandler(root: string) {
  const index = join(root, "index.html");
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pathname = decodedPath(req);
    if (!existsSync(index)) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end(
        "The web app is not built yet: run `npm run build -w @atelier/web`, or start with `npm start`.\n",
      );
      return;
    }
    const candidate = normalize(join(root, pathname));
    let file = index;
    if (candidate.startsWith(root + sep)) {
      const info = await stat(candidate).catch(() => null);
      if (info?.isFile()) file = candidate;
    }
    const immutable = file !== index && pathname.startsWith("/assets/");
    res.writeHead(200, {
      "content-type": contentTypes[extname(file)] ?? "application/octet-stream",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    });
    if (req.method === "HEAD") return void res.end();
    createReadStream(file).pipe(res);
  };
}

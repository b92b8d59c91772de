import { defineConfig } from "tsup";

/**
 * Two builds of one API: `node.js` (ws with an Authorization header, paths, streams to disk) and
 * `browser.js` (the browser's WebSocket, Blobs). One `index.d.ts` describes both, with the server's
 * router type and the shared views bundled in, so a project outside this repository type-checks
 * with only the packages in `dependencies`.
 */
export default defineConfig({
  entry: { node: "src/node.ts", browser: "src/browser.ts" },
  format: ["esm"],
  target: "es2022",
  platform: "neutral",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  // Workspace packages (types only) are bundled; what package.json lists stays an import.
  external: ["@trpc/client", "@trpc/server", "ws", /^node:/],
  // Declarations: tsc (tsconfig.dts.json) then rollup-plugin-dts (rollup.dts.config.mjs), see package.json.
  dts: false,
});

// Bundles the declarations tsc emitted (build/dts, see tsconfig.dts.json) into one dist/index.d.ts:
// the server's router type and the shared views are inlined, so the package needs no workspace.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { dts } from "rollup-plugin-dts";

const root = resolve(import.meta.dirname, "build/dts");
const workspace = {
  "@atelier/server/router": "apps/server/src/router.d.ts",
  "@atelier/shared": "packages/shared/src/index.d.ts",
  "@atelier/db": "packages/db/src/index.d.ts",
  "@atelier/bus": "packages/bus/src/index.d.ts",
  "@atelier/jobs": "packages/jobs/src/index.d.ts",
  "@atelier/pipeline": "packages/pipeline/src/index.d.ts",
  "@atelier/storage": "packages/storage/src/index.d.ts",
};

/** Workspace imports and `./x.ts` specifiers (kept by tsc) to the emitted `.d.ts` files. */
const emittedDeclarations = {
  name: "emitted-declarations",
  resolveId(source, importer) {
    if (workspace[source]) return resolve(root, workspace[source]);
    if (importer && source.startsWith(".")) {
      const base = resolve(dirname(importer), source.replace(/\.(ts|js)$/, ""));
      for (const candidate of [`${base}.d.ts`, `${base}/index.d.ts`])
        if (existsSync(candidate)) return candidate;
    }
    return null;
  },
  // A client never sees the server's request context (database, storage, logger): without this the
  // bundle would carry their types, and with them drizzle's, pino's and node:http's.
  transform(code, id) {
    if (!id.startsWith(resolve(root, "apps/server/src"))) return null;
    return code.replace(/import\("\.\.?\/trpc\.ts"\)\.Context\b/g, "object");
  },
};

export default {
  input: resolve(root, "packages/sdk/src/node.d.ts"),
  output: { file: "dist/index.d.ts", format: "es" },
  plugins: [emittedDeclarations, dts({ respectExternal: false })],
  external: (id) => !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("@atelier/"),
};

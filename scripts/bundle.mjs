#!/usr/bin/env node
// The production build of one app: `node ../../scripts/bundle.mjs src/main.ts dist/main.js`, run in its
// folder by `npm run build`. esbuild compiles the entry and every @atelier/* workspace it imports into
// one ES module; npm packages stay imports, resolved from node_modules at run time (so they must be
// production dependencies). Package exports keep pointing at src/*.ts for tsx, vitest and vite: only
// this file knows about dist/.
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import { build } from "esbuild";

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error("usage: node scripts/bundle.mjs <entry.ts> <outfile.js>");
  process.exit(64);
}
const outDir = dirname(resolve(outfile));
const repoRoot = resolve(import.meta.dirname, "..");

/** Everything but our own workspaces (and relative files) stays an import. */
const externalPackages = {
  name: "external-packages",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@atelier/")) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * Worker threads a bundle starts, by the entry file their source names (`new URL("./<file>",
 * import.meta.url)`): in a checkout that entry registers tsx and loads the TypeScript; in the build
 * each worker is bundled beside the app's bundle, so production needs neither tsx nor the sources' loader.
 */
const WORKERS = {
  "workerEntry.mjs": {
    source: resolve(repoRoot, "packages/pipeline/src/models/inference/inferenceWorker.ts"),
    out: "inferenceWorker.js",
  },
};
/** Stands for the bundle's own `import.meta.url` while the sources' are being rewritten. */
const BUNDLE_URL = "__ATELIER_BUNDLE_URL__";

/**
 * Source files find their neighbours through `import.meta.url` (migrations, Lua scripts, the web app,
 * model packages). In one bundle that URL is the bundle's; rewrite it to the source file's own URL,
 * relative to the bundle, so the same files are found in the checkout the bundle sits in.
 */
const sourceUrls = {
  name: "source-urls",
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.")) return { contents: source, loader: "ts" };
      const fromBundle = relative(outDir, args.path).split(sep).join("/");
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      const contents = source
        // A worker's entry is its own bundle beside this one (see WORKERS), found from the bundle's URL.
        .replaceAll(/new URL\("\.\/([\w.]+)", import\.meta\.url\)/g, (whole, file) =>
          WORKERS[file] ? `new URL("./${WORKERS[file].out}", ${BUNDLE_URL})` : whole,
        )
        .replaceAll("import.meta.url", url)
        .replaceAll(BUNDLE_URL, "import.meta.url")
        .replaceAll(
          "import.meta.dirname",
          `decodeURIComponent(new URL(".", ${url}).pathname).replace(/\\/$/, "")`,
        );
      return { contents, loader: "ts", resolveDir: dirname(args.path) };
    });
  },
};

const bundle = (entryPoint, out) =>
  build({
    entryPoints: [entryPoint],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    // Stack traces name the TypeScript files (node reads the linked map with this flag set early).
    banner: { js: "process.setSourceMapsEnabled(true);" },
    plugins: [externalPackages, sourceUrls],
    logLevel: "warning",
    metafile: true,
    absWorkingDir: process.cwd(),
  });

const report = (result, out) => {
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  console.log(`${relative(repoRoot, resolve(out))}: ${(bytes / 1024).toFixed(0)} KiB`);
};

const result = await bundle(entry, outfile);
report(result, outfile);
// The workers this bundle starts (the files that name their entry were bundled into it).
const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(process.cwd(), p));
for (const [file, worker] of Object.entries(WORKERS)) {
  const neighbours = inputs.filter((p) => p.endsWith(".ts") && dirname(p) === dirname(worker.source));
  const sources = await Promise.all(neighbours.map((p) => readFile(p, "utf8")));
  if (!sources.some((source) => source.includes(`"./${file}"`))) continue;
  const out = resolve(outDir, worker.out);
  report(await bundle(worker.source, out), out);
}

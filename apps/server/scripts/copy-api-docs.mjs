#!/usr/bin/env node
// Part of `npm run build`: Scalar's standalone browser bundle (the /api/docs renderer) is copied into
// dist/, so a production install needs neither @scalar/api-reference nor the Vue and Vite toolchain it
// depends on (a development dependency only).
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const from = join(
  dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")),
  "browser",
  "standalone.js",
);
const to = join(import.meta.dirname, "..", "dist", "api-docs", "standalone.js");
await mkdir(dirname(to), { recursive: true });
await copyFile(from, to);
console.log("apps/server/dist/api-docs/standalone.js: copied from @scalar/api-reference");

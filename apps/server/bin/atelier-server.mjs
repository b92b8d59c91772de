#!/usr/bin/env node
// `atelier-server [migrate]`: the server, from its source in a checkout or its build in an installation.
import { importSourceOrBuild } from "@atelier/shared/importSourceOrBuild";

await importSourceOrBuild(
  new URL("../src/main.ts", import.meta.url),
  new URL("../dist/main.js", import.meta.url),
);

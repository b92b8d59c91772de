#!/usr/bin/env node
// `atelier`: the CLI, from its source in a checkout or its build in an installation.
import { importSourceOrBuild } from "@atelier/shared/importSourceOrBuild";

const { main } = await importSourceOrBuild(
  new URL("../src/main.ts", import.meta.url),
  new URL("../dist/main.js", import.meta.url),
);
process.exitCode = await main(process.argv.slice(2));

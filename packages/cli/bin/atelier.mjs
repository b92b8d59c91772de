#!/usr/bin/env node
// The CLI runs its TypeScript source directly, like every other part of Atelier (no build step).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));

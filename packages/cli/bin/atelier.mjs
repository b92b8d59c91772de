#!/usr/bin/env node
// In a checkout the CLI runs its TypeScript source through tsx (a dev dependency), so an edit is
// seen at once; an installation pruned of dev dependencies runs the build (npm run build).
let register;
try {
  ({ register } = await import("tsx/esm/api"));
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
}
let main;
if (register) {
  register();
  ({ main } = await import("../src/main.ts"));
} else {
  ({ main } = await import("../dist/main.js"));
}
process.exitCode = await main(process.argv.slice(2));

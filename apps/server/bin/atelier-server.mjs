#!/usr/bin/env node
// `atelier-server [migrate]`: the server. In a checkout it runs the TypeScript source through tsx (a dev dependency),
// so an edit is seen at once; an installation pruned of dev dependencies runs the build (npm run build).
let register;
try {
  ({ register } = await import("tsx/esm/api"));
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
}
if (register) {
  register();
  await import("../src/main.ts");
} else {
  await import("../dist/main.js");
}

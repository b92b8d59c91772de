// What every Atelier bin (`atelier-server`, `atelier-gpu-node`, `atelier`) runs: in a checkout the
// TypeScript source through tsx (a dev dependency), so an edit is seen at once; in an installation pruned
// of dev dependencies the build (npm run build). Plain JavaScript, as it runs before tsx is registered.

/**
 * Imports `source` (a .ts file) through tsx when tsx is installed, else `build` (its bundle), and
 * returns the module.
 * @param {URL} source
 * @param {URL} build
 */
export async function importSourceOrBuild(source, build) {
  let register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch (err) {
    if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
  }
  if (register) {
    register();
    return import(source.href);
  }
  return import(build.href);
}

import { fileURLToPath } from "node:url";

/**
 * The real photos tests and benchmarks run on: `../shared/fixtures/images` beside the repository
 * (where the workspace keeps them), or wherever ATELIER_FIXTURES_DIR points.
 */
export const fixturesDir: string =
  process.env.ATELIER_FIXTURES_DIR ??
  fileURLToPath(new URL("../../../../../shared/fixtures/images", import.meta.url));

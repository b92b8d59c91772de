import { fileURLToPath } from "node:url";

/**
 * The real photos tests and benchmarks run on: `fixtures/images` at the repository's root (licences in
 * its README), or wherever ATELIER_FIXTURES_DIR points.
 */
export const fixturesDir: string =
  process.env.ATELIER_FIXTURES_DIR ?? fileURLToPath(new URL("../../../../fixtures/images", import.meta.url));

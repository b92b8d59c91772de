import { fileURLToPath } from "node:url";

/** The checkout's root, from this file at apps/web/src/e2e. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const webRoot = fileURLToPath(new URL("../../", import.meta.url));
/** The shared fixtures live next to the checkout. */
export const fixtureImages = fileURLToPath(new URL("../shared/fixtures/images/", `file://${repoRoot}`));
export const resultsDir = fileURLToPath(new URL("test-results/", `file://${repoRoot}`));

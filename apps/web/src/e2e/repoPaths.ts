import { fileURLToPath } from "node:url";
import { fixturesDir } from "@atelier/shared/testing";

/** The checkout's root, from this file at apps/web/src/e2e. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const webRoot = fileURLToPath(new URL("../../", import.meta.url));
/** The photos the browser tests upload: the repository's fixtures/images. */
export const fixtureImages = fixturesDir;
export const resultsDir = fileURLToPath(new URL("test-results/", `file://${repoRoot}`));

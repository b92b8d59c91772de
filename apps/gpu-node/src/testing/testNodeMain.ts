/**
 * The GPU node as tests start it: the production node plus the diagnostic steps. Only test files
 * spawn this entry point; an installation runs `src/main.ts`, whose catalogue has no such steps.
 */
import { testCatalogue } from "@atelier/pipeline/testing";
import { runNode } from "../runNode.ts";

runNode({ catalogue: testCatalogue }).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

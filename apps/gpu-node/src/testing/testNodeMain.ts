/**
 * The GPU node as tests start it: the production node plus the diagnostic steps. Only test files
 * spawn this entry point; an installation runs `src/main.ts`, whose catalogue has no such steps.
 */
import { testCatalogue } from "@atelier/pipeline/testing";
import { runNode } from "../runNode.ts";

// Tests start several nodes on one machine: each takes a free port for its probes unless told one.
process.env.NODE_HTTP_PORT ??= "0";
runNode({ catalogue: testCatalogue }).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

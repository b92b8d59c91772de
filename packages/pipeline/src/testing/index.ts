import { allSteps } from "../catalogue.ts";
import { buildCatalogue, type StepCatalogue } from "../pipelineSpec.ts";
import { diagnosticSteps } from "./diagnosticSteps.ts";

export type { MeshFacts, ReadMesh } from "./modelFiles.ts";
export { meshFacts, read3mf, readStl, validateGlb } from "./modelFiles.ts";
export { diagnosticSteps };

/**
 * The production catalogue plus the diagnostic steps. Only tests, test servers and benchmarks
 * import this entry point (`@atelier/pipeline/testing`); nothing an installation runs does.
 */
export const testCatalogue: StepCatalogue = buildCatalogue([...allSteps, ...diagnosticSteps]);

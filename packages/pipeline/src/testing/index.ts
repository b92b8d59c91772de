export type { MeshFacts, ReadMesh } from "./modelFiles.ts";
export { meshFacts, read3mf, readStl, validateGlb } from "./modelFiles.ts";

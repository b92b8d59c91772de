export { fixturesDir } from "./fixtures.ts";
export { freePort } from "./freePort.ts";
export { pngClaiming } from "./pngClaiming.ts";
export { unboundedPlaces } from "./unboundedPlaces.ts";

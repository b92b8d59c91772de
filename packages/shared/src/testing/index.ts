export { fixturesDir } from "./fixtures.ts";
export { freePort } from "./freePort.ts";
export { unboundedPlaces } from "./unboundedPlaces.ts";

/** The editor is an app, not a library; these are exported for tools that link into it. */
export { parseRoute, pathOf } from "./router/routes.ts";
export type { Route } from "./router/routes.ts";

// The inference worker's entry point in a checkout (the build bundles inferenceWorker.ts beside the app instead,
// see scripts/bundle.mjs). Atelier runs its TypeScript source directly (tsx), and a worker
// thread does not inherit a loader reliably (vitest, the CLI's own registration), so each worker
// registers tsx itself before loading the worker's code.
import { register } from "tsx/esm/api";

register();
await import("./inferenceWorker.ts");

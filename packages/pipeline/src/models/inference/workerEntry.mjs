// The inference worker's entry point. Atelier runs its TypeScript source directly (tsx), and a worker
// thread does not inherit a loader reliably (vitest, the CLI's own registration), so each worker
// registers tsx itself before loading the worker's code.
import { register } from "tsx/esm/api";

register();
await import("./inferenceWorker.ts");

import Module, { type ManifoldToplevel } from "manifold-3d";

let kernel: Promise<ManifoldToplevel> | undefined;

/** manifold-3d's WebAssembly module, instantiated once per process on first use. */
export function manifoldKernel(): Promise<ManifoldToplevel> {
  kernel ??= Module().then((wasm) => {
    wasm.setup();
    return wasm;
  });
  return kernel;
}

/** The streams and environment a CLI command runs with: the process's own, or a test's. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  /** Where `atelier login` reads a key from when none is given (a pipe, never a prompt). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  env: NodeJS.ProcessEnv;
}

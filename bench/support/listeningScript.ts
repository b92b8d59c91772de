import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export interface ListeningScript {
  /** The loopback port the script printed as its first line. */
  port: string;
  pid: number;
  /** SIGTERM; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript file as a process of its own that prints the port it listens on as its first
 * line of output, and waits for that line. `detached` gives it a session of its own.
 */
export async function startListeningScript(
  script: URL,
  options: { detached?: boolean } = {},
): Promise<ListeningScript> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(script)], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: options.detached ?? false,
  });
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  return {
    port: line.toString().trim(),
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

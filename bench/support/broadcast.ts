import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** Starts broadcastMain.ts as its own process, as the server under test runs; gives its URLs and pid. */
export async function startBroadcast(): Promise<{
  url: string;
  publishUrl: string;
  pid: number;
  stop(): Promise<void>;
}> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("broadcastMain.ts", import.meta.url))],
    // Its own session, as the server under test is started (serverProcess.ts): with the kernel's
    // autogroup scheduling a session shares the CPU as one, so a relay left in the benchmark's
    // session would compete with the subscriber processes while the server does not.
    { stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  const url = `ws://127.0.0.1:${line.toString().trim()}`;
  return {
    url,
    publishUrl: `${url}/publish`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

import { startListeningScript } from "./listeningScript.ts";

/** Starts broadcastMain.ts as its own process, as the server under test runs; gives its URLs and pid. */
export async function startBroadcast(): Promise<{
  url: string;
  publishUrl: string;
  pid: number;
  stop(): Promise<void>;
}> {
  // Its own session, as the server under test is started (serverProcess.ts): with the kernel's
  // autogroup scheduling a session shares the CPU as one, so a relay left in the benchmark's
  // session would compete with the subscriber processes while the server does not.
  const broadcast = await startListeningScript(new URL("broadcastMain.ts", import.meta.url), {
    detached: true,
  });
  const url = `ws://127.0.0.1:${broadcast.port}`;
  return { url, publishUrl: `${url}/publish`, pid: broadcast.pid, stop: broadcast.stop };
}

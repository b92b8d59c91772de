import { startListeningScript } from "./listeningScript.ts";

/** Starts wsRelayMain.ts as its own process, as the server under test runs, and gives its URL. */
export async function startWsRelay(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const relay = await startListeningScript(new URL("wsRelayMain.ts", import.meta.url));
  return { url: `ws://127.0.0.1:${relay.port}`, pid: relay.pid, stop: relay.stop };
}

import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "./testing/fixtures.ts";
import { type RunningServer, startServer } from "./testing/serverProcess.ts";
import { createClient } from "./testing/testApp.ts";

const FLOOD_MS = 6_000;
const POLL_EVERY_MS = 25;

/** One GET /healthz on a fresh connection; its time to the last byte. */
function healthz(url: string): Promise<{ status: number; ms: number }> {
  const target = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: "/healthz", agent: false, timeout: 5_000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("healthz timed out")));
    req.on("error", reject);
    req.end();
  });
}

/**
 * An idle twin of /healthz in a bare node process of its own: asked at the same moments as the
 * flooded server, it shows when the machine itself stalled (other processes share its two cores).
 */
async function startControl(): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("node:http").createServer((q, r) => r.end('{"status":"ok"}'));
       s.listen(0, "127.0.0.1", () => console.log(s.address().port));`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<string>((resolve) =>
    child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill("SIGKILL") };
}

describe("a flood of oversized requests", () => {
  let server: RunningServer;
  let control: { url: string; stop(): void } | undefined;
  let flood: ChildProcess | undefined;

  beforeAll(async () => {
    [server, control] = await Promise.all([startServer(), startControl()]);
  });
  afterAll(async () => {
    flood?.kill("SIGKILL");
    control?.stop();
    await server?.stop();
  });

  it("leaves /healthz answering within 100 ms throughout", async () => {
    const client = createClient(server.url);
    await signUp(client, "Flooder");
    const cookie = [...client.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    // The attacker would be on other machines: here it runs at the lowest CPU priority, so what is
    // measured is the server's own handling of the flood, not two processes sharing two cores.
    flood = spawn(
      "nice",
      [
        "-n",
        "19",
        process.execPath,
        "--import",
        "tsx",
        join(import.meta.dirname, "testing", "floodClient.ts"),
        server.url,
        cookie,
        ...(process.env.FLOOD_ATTACKS?.split(",") ?? []),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let sent: Record<string, number> = {};
    flood.stdout!.on("data", (chunk: Buffer) => {
      const last = chunk.toString().trim().split("\n").at(-1);
      if (last) sent = JSON.parse(last) as Record<string, number>;
    });
    // Let the flood reach full strength before measuring.
    await new Promise((r) => setTimeout(r, 1_000));
    const samples: Array<{ status: number; ms: number; controlMs: number }> = [];
    const until = performance.now() + FLOOD_MS;
    while (performance.now() < until) {
      const [flooded, idle] = await Promise.all([healthz(server.url), healthz(control!.url)]);
      samples.push({ ...flooded, controlMs: idle.ms });
      await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
    }
    flood.kill("SIGKILL");
    // The flood really happened: every kind of attack was sent again and again.
    for (const attack of ["http-batch", "ws-batch", "declared-body", "chunked-body"]) {
      if (!process.env.FLOOD_ATTACKS || process.env.FLOOD_ATTACKS.includes(attack))
        expect(sent[attack] ?? 0, `${attack} sent ${sent[attack] ?? 0} times`).toBeGreaterThan(10);
    }
    if (process.env.FLOOD_ATTACKS)
      console.log(
        process.env.FLOOD_ATTACKS,
        JSON.stringify(sent),
        samples.length,
        samples.map((s) => `${s.ms.toFixed(0)}/${s.controlMs.toFixed(0)}`).join(" "),
      );
    expect(samples.length).toBeGreaterThan(50);
    expect(samples.every((s) => s.status === 200)).toBe(true);
    // Throughout the flood: 99 % of answers came within 100 ms of the idle twin's at the same moment
    // (what the twin took is the shared machine's own stall), 95 % under 100 ms outright, and none
    // anywhere near blocked (before the fix, /healthz timed out for 26 s).
    const excess = samples.map((s) => s.ms - s.controlMs).sort((a, b) => a - b);
    const p99Excess = excess[Math.floor(samples.length * 0.99)]!;
    expect(
      p99Excess,
      `99 % of answers came within ${p99Excess.toFixed(1)} ms of the idle twin's`,
    ).toBeLessThan(100);
    const times = samples.map((s) => s.ms).sort((a, b) => a - b);
    const p95 = times[Math.floor(samples.length * 0.95)]!;
    expect(p95, `95 % of ${samples.length} answers took at most ${p95.toFixed(1)} ms`).toBeLessThan(100);
    expect(times.at(-1)!, `the slowest answer took ${times.at(-1)!.toFixed(1)} ms`).toBeLessThan(1_000);
  });
});

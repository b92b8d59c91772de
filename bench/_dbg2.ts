import { fork } from "node:child_process";
import { once } from "node:events";
import { WebSocket } from "ws";
import { startBroadcast } from "./support/broadcast.ts";
import { processCpuMicros } from "./support/processCpu.ts";
const relay = await startBroadcast();
const procs = [0, 1].map(() =>
  fork(new URL("support/fanoutSubscribers.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    serialization: "advanced",
  }),
);
await Promise.all(
  procs.map((p) => {
    p.send({ type: "open", urls: [relay.url], count: 250, headers: {} });
    return once(p, "message");
  }),
);
const pub = new WebSocket(relay.publishUrl, { perMessageDeflate: false });
await once(pub, "open");
const c0 = processCpuMicros(relay.pid);
const mode = process.argv[2];
if (mode === "inproc") {
  for (let i = 0; i < 200; i++) {
    const id = `${i}`;
    pub.send(
      JSON.stringify({
        id: 1,
        result: {
          type: "data",
          id,
          data: {
            id,
            data: {
              v: 1,
              type: "job.progress",
              jobId: `bench-${performance.timeOrigin + performance.now()}`,
              index: 0,
              step: "resize",
              fraction: 0.5,
              overall: 0.5,
            },
          },
        },
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
  }
} else {
  const { spawn } = await import("node:child_process");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      new URL("support/fanoutPublisher.ts", import.meta.url).pathname,
      JSON.stringify({
        rate: 50,
        seconds: 4,
        warmupSeconds: 0,
        target: { kind: "relay", urls: [relay.publishUrl] },
      }),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await once(child, "exit");
}
await new Promise((r) => setTimeout(r, 1500));
const reps = await Promise.all(
  procs.map((p) => {
    p.send({ type: "report" });
    return once(p, "message");
  }),
);
const lat = reps.flatMap(([r]: any) => Array.from(r.latencies as Float64Array)).sort((a, b) => a - b);
console.log(
  mode,
  "delivered",
  lat.length,
  "p50",
  lat[Math.floor(lat.length / 2)],
  "p99",
  lat[Math.floor(lat.length * 0.99)],
  "cpu",
  (processCpuMicros(relay.pid) - c0) / lat.length,
);
for (const p of procs) p.send({ type: "close" });
await relay.stop();
process.exit(0);

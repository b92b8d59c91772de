/**
 * Three background removals at once on one node must leave its event loop free: onnxruntime's
 * `run()` blocks the thread it is called on, and when that was the node's main thread a 12 s stall
 * stopped lease renewals and another claimer took the jobs over while they still ran (two claims of
 * attempt 1, repeated step events). Model sessions now live in worker threads.
 *
 * The lease here is 1 s (renewed every 333 ms), the stale sweep runs every 250 ms, and a rival node
 * in a process of its own is ready to take over any job whose lease lapses: a stall of a second or
 * more would show as a second claim or a second attempt. The loop delay is sampled every 10 ms in
 * this process and, at the same moments, in an idle twin process, so a pause of the shared machine
 * (other test suites on two cores) is not counted against the node.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PerformanceObserver } from "node:perf_hooks";
import { eq, schema } from "@atelier/db";
import { inferenceWorkers, releaseSessions } from "@atelier/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createJobsEnv,
  type JobsEnv,
  jobEvents,
  jobRow,
  TEST_PUBLIC_URL,
  TEST_SECRET,
  testEnv,
  waitFor,
  waitForStatus,
} from "../testing/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const LEASE_MS = 1000;
const PROBE_MS = 10;
const WINDOW_MS = 250;

/** Per wall-clock window of WINDOW_MS, the longest late firing of a 10 ms interval, in ms. */
const probeSource = `
  const windows = new Map();
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - ${PROBE_MS};
    last = now;
    const w = Math.floor(Date.now() / ${WINDOW_MS});
    if (late > (windows.get(w) ?? 0)) windows.set(w, late);
  }, ${PROBE_MS});
`;

interface LoopProbe {
  stop(): Map<number, number>;
  /** Runs test machinery that blocks on purpose (spawning a process) outside the measurement. */
  excluding<T>(fn: () => T): T;
  /** Wall-clock end and length of every delay over 80 ms, to line up with logs and profiles. */
  stalls: Array<{ at: string; ms: number }>;
}

function startProbe(): LoopProbe {
  const windows = new Map<number, number>();
  const stalls: LoopProbe["stalls"] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - PROBE_MS;
    last = now;
    if (late > 80) stalls.push({ at: new Date().toISOString(), ms: Math.round(late) });
    const w = Math.floor(Date.now() / WINDOW_MS);
    if (late > (windows.get(w) ?? 0)) windows.set(w, late);
  }, PROBE_MS);
  return {
    stalls,
    excluding: (fn) => {
      try {
        return fn();
      } finally {
        last = performance.now();
      }
    },
    stop: () => {
      clearInterval(timer);
      return windows;
    },
  };
}

/** An idle process sampling its own loop the same way; asked for its windows at the end. */
function startTwin(): { child: ChildProcess; windows(): Promise<Map<number, number>> } {
  const source = `${probeSource}\nprocess.on("message", () => process.send([...windows]));`;
  const child = spawn(process.execPath, ["-e", source], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return {
    child,
    windows: () =>
      new Promise((resolve) => {
        child.once("message", (entries) => resolve(new Map(entries as Array<[number, number]>)));
        child.send("report");
      }),
  };
}

function spawnRival(env: JobsEnv): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "apps/gpu-node/src/testing/testNodeMain.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      REDIS_URL: env.redisUrl,
      REDIS_PREFIX: env.prefix,
      DATABASE_URL: env.databaseUrl,
      ATELIER_DATA_DIR: env.storageDir,
      ATELIER_SECRET: TEST_SECRET,
      ATELIER_PUBLIC_URL: TEST_PUBLIC_URL,
      NODE_ID: "node-rival",
      NODE_MEMORY_BUDGET_MB: "8192",
      BUS_LEASE_MS: String(LEASE_MS),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

describe("three inferences at once on one node", () => {
  let env: JobsEnv;
  let rival: ChildProcess | undefined;
  let twin: ReturnType<typeof startTwin> | undefined;

  beforeAll(async () => {
    env = await createJobsEnv({ timing: { leaseMs: LEASE_MS, sweepIntervalMs: 250 } });
  });
  afterAll(async () => {
    rival?.kill("SIGKILL");
    twin?.child.kill("SIGKILL");
    await env?.close();
    await releaseSessions();
  });

  it("keep the event loop within 100 ms of an idle process's, lose no lease and run each job once", {
    timeout: 600_000,
  }, async () => {
    twin = startTwin();
    const probe = startProbe();
    const started = Date.now();
    await env.startNode("node-a", {
      memoryBudgetMb: 16_000,
      jobMemoryMb: 256,
      pipelineEnv: { ...testEnv, inference: { workersPerModel: 1 } },
    });
    const jobs = await Promise.all(
      [0, 1, 2].map(() => env.submit([{ step: "remove-background", params: {} }])),
    );
    await waitFor(
      async () => {
        const rows = await Promise.all(jobs.map((j) => jobRow(env.db, j.id)));
        return rows.every((r) => r.status === "running" && r.nodeId === "node-a");
      },
      30_000,
      "node-a to claim all three jobs",
    );
    // Ready to take over any job whose lease lapses from here on.
    rival = spawnRival(env);

    const done = await Promise.all(jobs.map((j) => waitForStatus(env.db, j.id, "succeeded", 540_000)));
    const windows = probe.stop();
    const twinWindows = await twin.windows();
    const elapsedMs = Date.now() - started;

    // One inference worker for ISNet did all three, one after another, off the main thread.
    expect(inferenceWorkers()["isnet-medium"]).toBe(1);

    for (const row of done) {
      expect(row.nodeId).toBe("node-a");
      expect(row.attempt).toBe(1);
      const attempts = await env.db
        .select()
        .from(schema.jobAttempts)
        .where(eq(schema.jobAttempts.jobId, row.id));
      expect(attempts.map((a) => [a.attempt, a.nodeId])).toEqual([[1, "node-a"]]);
      const events = await jobEvents(env.bus, env.seeded.projectId, row.id);
      const count = (type: string) => events.filter((e) => e.type === type).length;
      expect(count("job.claimed")).toBe(1);
      expect(count("job.step.started")).toBe(1);
      expect(count("job.step.finished")).toBe(1);
      expect(count("job.succeeded")).toBe(1);
      const outputs = await env.db
        .select()
        .from(schema.jobOutputs)
        .where(eq(schema.jobOutputs.jobId, row.id));
      expect(outputs.map((o) => o.name).sort()).toEqual(["cutout", "mask"]);
    }

    const nodeMax = Math.max(...windows.values());
    let worstExcess = 0;
    let worstAt = 0;
    for (const [w, late] of windows) {
      const excess = late - (twinWindows.get(w) ?? 0);
      if (excess > worstExcess) {
        worstExcess = excess;
        worstAt = w;
      }
    }
    console.log(
      `loop delay over ${elapsedMs} ms: node max ${Math.round(nodeMax)} ms, idle twin max ${Math.round(
        Math.max(0, ...twinWindows.values()),
      )} ms, worst excess over the twin ${Math.round(worstExcess)} ms (twin then ${Math.round(
        twinWindows.get(worstAt) ?? 0,
      )} ms)`,
    );
    if (probe.stalls.length > 0) console.log("node delays over 80 ms:", JSON.stringify(probe.stalls));
    expect(worstExcess).toBeLessThan(100);
  });
});

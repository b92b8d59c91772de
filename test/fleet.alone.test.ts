/**
 * The fleet as deploy/compose.yaml runs it, as processes on loopback: two servers and two GPU nodes
 * from the production build (`node apps/*\/dist/main.js`), one Postgres database, one Redis prefix,
 * an S3 server. All four start at once on an empty database; a job submitted on one server is
 * watched live on the other; one server and one node are killed mid-run; nothing is lost.
 *
 * ATELIER_FLEET_ROOT runs it against another checkout's build (scripts/check-production.sh points
 * it at a fresh clone after `npm ci`, `npm run build` and `npm prune --omit=dev`).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TEST_REDIS_URL } from "@atelier/bus/testing";
import { TEST_DATABASE_ADMIN_URL, testDatabaseUrl } from "@atelier/db/testing";
import type { ProjectEvent } from "@atelier/shared";
import { freePort } from "@atelier/shared/testing";
import { startS3rver } from "@atelier/storage/testing";
import { Redis } from "ioredis";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject, upload } from "../apps/server/src/testing/fixtures.ts";
import { createClient } from "../apps/server/src/testing/testApp.ts";
import { buildApps, type FleetProcess, startProcess, waitForOk } from "./support/fleetProcesses.ts";

const sourceRoot = fileURLToPath(new URL("..", import.meta.url));
const root = process.env.ATELIER_FLEET_ROOT ?? sourceRoot;
const redisUrl = TEST_REDIS_URL;
const LEASE_MS = 2_000;
const JOBS = 4;

let seen = () => "";
const until = async <T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 120_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; events seen: ${seen()}`);
};

describe("a fleet of two servers and two GPU nodes", () => {
  const admin = postgres(TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
  const database = `atelier_fleet_${randomBytes(6).toString("hex")}`;
  const prefix = `atelier-fleet-${randomBytes(4).toString("hex")}`;
  const dataDir = mkdtempSync(join(tmpdir(), "atelier-fleet-"));
  const processes: FleetProcess[] = [];
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  let servers: Array<{ process: FleetProcess; url: string }>;
  let nodes: Array<{ process: FleetProcess; id: string; url: string }>;

  beforeAll(async () => {
    if (!process.env.ATELIER_FLEET_ROOT) await buildApps(root);
    await admin.unsafe(`create database ${database}`);
    s3 = await startS3rver();
    const shared = {
      DATABASE_URL: testDatabaseUrl(database),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      ATELIER_SECRET: randomBytes(32).toString("base64url"),
      // Every server and node starts on the empty database: the first migrates, the rest wait for it.
      ATELIER_MIGRATE: "auto",
      BUS_LEASE_MS: String(LEASE_MS),
      S3_BUCKET: s3.config.bucket,
      S3_ENDPOINT: s3.config.endpoint!,
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      LOG_LEVEL: "warn",
    };
    const ports = [await freePort(), await freePort()];
    servers = ports.map((port, i) => ({
      url: `http://127.0.0.1:${port}`,
      process: startProcess(`server-${i + 1}`, root, "apps/server/dist/main.js", {
        ...shared,
        PORT: String(port),
        HOST: "127.0.0.1",
        // The URL people open (a proxy's, in deploy/): the same on every server.
        ATELIER_PUBLIC_URL: `http://127.0.0.1:${ports[0]}`,
        ATELIER_DATA_DIR: join(dataDir, `server-${i + 1}`),
      }),
    }));
    const nodePorts = [await freePort(), await freePort()];
    nodes = ["node-1", "node-2"].map((id, i) => ({
      id,
      url: `http://127.0.0.1:${nodePorts[i]}`,
      process: startProcess(id, root, "apps/gpu-node/dist/main.js", {
        ...shared,
        NODE_ID: id,
        NODE_HTTP_PORT: String(nodePorts[i]),
        NODE_HTTP_HOST: "127.0.0.1",
        // One job at a time, so the jobs spread over both nodes and one is running when its node dies.
        NODE_MEMORY_BUDGET_MB: "2048",
        NODE_JOB_MEMORY_MB: "2048",
      }),
    }));
    processes.push(...servers.map((s) => s.process), ...nodes.map((n) => n.process));
    // All four came up on the empty database: ready means database, Redis and S3 all answer.
    await Promise.all([
      ...servers.map((s) => waitForOk(s.process, `${s.url}/readyz`)),
      ...nodes.map((n) => waitForOk(n.process, `${n.url}/readyz`)),
    ]);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await s3?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves the web app from the build", async () => {
    if (!existsSync(join(root, "apps/web/dist/index.html"))) return; // npm test builds it first
    const res = await fetch(`${servers[1]!.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<div id=");
  });

  it("loses nothing when a server and a node die mid-run, and one server watches what the other was given", async () => {
    const [first, second] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const jar = new Map<string, string>();
    const onFirst = createClient(first.url, { jar });
    const onSecond = createClient(second.url, { jar });
    const { project } = await signUpWithProject(onFirst, "Fleet");
    const asset = await upload(onFirst, project.id, "coffee.png", fixture("coffee.png"));

    const events: ProjectEvent[] = [];
    seen = () =>
      `${events.map((e) => `${e.type}${"nodeId" in e ? `@${e.nodeId}` : ""}`).join(", ")}\n${processes.map((p) => `--- ${p.name}\n${p.output()}`).join("\n")}`;
    onSecond.trpc.projects.events.subscribe(
      { projectId: project.id },
      { onData: (e) => events.push((e as { data: ProjectEvent }).data) },
    );
    await until("the second server's stream", () => events.some((e) => e.type === "stream.ready"));

    const jobIds: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const job = await onFirst.trpc.jobs.create.mutate({
        projectId: project.id,
        assetIds: [asset.id],
        spec: { steps: [{ step: "repurpose", params: { formats: ["instagram-square", "x-post"] } }] },
      });
      jobIds.push(job.id);
    }
    // The server that took the jobs dies at once: its outbox rows are the other server's to relay.
    await first.process.kill();

    const claimedByDoomed = await until("a job claimed by node-1", () =>
      events.find((e) => e.type === "job.claimed" && e.nodeId === "node-1"),
    );
    await nodes[0]!.process.kill();
    const doomedJob = "jobId" in claimedByDoomed ? claimedByDoomed.jobId : "";
    const finishedBeforeKill = events.some((e) => e.type === "job.succeeded" && e.jobId === doomedJob);

    const succeeded = () => new Set(events.filter((e) => e.type === "job.succeeded").map((e) => e.jobId));
    await until(`all ${JOBS} jobs to succeed`, () => jobIds.every((id) => succeeded().has(id)), 240_000);

    expect(events.filter((e) => e.type === "job.failed")).toEqual([]);
    for (const id of jobIds) {
      const view = await onSecond.trpc.jobs.get.query({ jobId: id });
      expect(view.status).toBe("succeeded");
      expect(view.outputs.length).toBeGreaterThan(0);
    }
    // The killed node's job was taken over by the living one, as a new attempt.
    if (!finishedBeforeKill) {
      const claims = events.filter((e) => e.type === "job.claimed" && e.jobId === doomedJob);
      expect(claims.at(-1)).toMatchObject({ nodeId: "node-2" });
    }
    // The living node's /metrics counts what it ran; the living server's, what it served.
    const nodeMetrics = await (await fetch(`${nodes[1]!.url}/metrics`)).text();
    expect(nodeMetrics).toMatch(
      /atelier_step_duration_seconds_count\{step="repurpose",provider="cpu"\} [1-9]/,
    );
    expect(nodeMetrics).toMatch(/atelier_job_attempts_total\{outcome="succeeded"\} [1-9]/);
    expect(nodeMetrics).toMatch(/atelier_node_vram_free_mb\{node="node-2"\} \d/);
    const serverMetrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(serverMetrics).toMatch(/atelier_ws_subscribers 1/);
    expect(serverMetrics).toContain('atelier_queue_depth{class="');

    const output = (await onSecond.trpc.jobs.get.query({ jobId: jobIds[0]! })).outputs[0]!;
    expect(output.url).toBeTruthy();
    expect((await fetch(output.url!)).status).toBe(200);
    onSecond.closeWs();
  }, 300_000);
});

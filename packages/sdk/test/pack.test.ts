import { spawn, execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fixturesDir } from "@atelier/shared/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAtelier } from "../src/node.ts";
import { type Cluster, jobEventsOf, repoRoot, startCluster } from "./support/cluster.ts";

const run = promisify(execFile);
const EXAMPLE_LIMIT_MS = 240_000;
const sdkDir = join(repoRoot, "packages/sdk");

/**
 * The SDK as a user gets it: packed with `npm pack`, installed from the tarball into a project in the
 * system's temporary folder (no workspace, no paths), the example type-checked there by that project's
 * own TypeScript and run against a server that is restarted while the job runs.
 */
describe("@atelier/sdk installed from its tarball", () => {
  let cluster: Cluster;
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), "atelier-sdk-user-"));
    const [started] = await Promise.all([startCluster(), packInto(project)]);
    cluster = started;
  }, 600_000);

  afterAll(async () => {
    await cluster?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it("type-checks the example and runs it to a transparent cutout through a server restart, missing no event", async () => {
    await mkdir(join(project, "src"));
    await copyFile(join(sdkDir, "examples/removeBackground.ts"), join(project, "src/removeBackground.ts"));
    await copyFile(join(fixturesDir, "chelsea.png"), join(project, "chelsea.png"));
    // The user's own compiler, strict, with the package's declarations checked too (no skipLibCheck).
    await run(join(project, "node_modules/.bin/tsc"), ["-p", project]);

    const lines: string[] = [];
    let restartedAt = -1;
    let restart: Promise<void> | null = null;
    const child = spawn(process.execPath, ["out/removeBackground.js", "chelsea.png"], {
      cwd: project,
      env: { PATH: process.env.PATH, ATELIER_URL: cluster.url, ATELIER_API_KEY: cluster.apiKey },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk;
      const complete = pending.split("\n");
      pending = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        // The first progress of the step: restart the server while the job runs on the node.
        if (restart === null && /^remove-background \d+%$/.test(line)) {
          restartedAt = lines.length;
          restart = cluster.restartServer();
        }
      }
    });
    // Stopped short of the test's own timeout, so a hang fails with the transcript and the servers' logs.
    const hung = setTimeout(() => {
      stderr += `\n(killed after ${EXAMPLE_LIMIT_MS} ms without finishing)`;
      child.kill("SIGKILL");
    }, EXAMPLE_LIMIT_MS);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearTimeout(hung);
    await restart;
    expect(code, `${stderr}\n${lines.join("\n")}\n${cluster.output()}`).toBe(0);
    expect(restartedAt).toBeGreaterThan(0);

    const transcript = lines.join("\n");
    expect(lines, transcript).toContain("step 1/2 normalize");
    expect(lines, transcript).toContain("step 2/2 remove-background");
    expect(lines.filter((l) => /^remove-background \d+%$/.test(l)).length).toBeGreaterThan(1);
    // The job finished after the restart, and the example saw it over the resumed stream.
    expect(lines.indexOf("event job.succeeded")).toBeGreaterThan(restartedAt);

    // Every event the job's stream holds, in order, and each once.
    const jobId = lines.find((l) => l.startsWith("job "))!.slice(4);
    const atelier = createAtelier({ url: cluster.url, apiKey: cluster.apiKey });
    const job = await atelier.jobs.get.query({ jobId });
    atelier.close();
    const sent = await jobEventsOf(cluster.bus, job.projectId, jobId);
    const received = lines.filter((l) => l.startsWith("event ")).map((l) => l.slice(6));
    expect(received).toEqual(sent);
    expect(sent.at(-1)).toBe("job.succeeded");

    const saved = lines.filter((l) => l.startsWith("saved ")).map((l) => l.slice(6));
    expect(saved.map((p) => p.split("/").at(-1)).sort()).toEqual(["chelsea.cutout.png", "chelsea.mask.png"]);
    const cutout = sharp(join(project, "chelsea.cutout.png"));
    const meta = await cutout.metadata();
    expect(meta.format).toBe("png");
    expect(meta.hasAlpha).toBe(true);
    const alpha = (await cutout.stats()).channels[3]!;
    expect(alpha.min).toBe(0);
    // Opaque where the cat is (the matte may stop a step short of 255).
    expect(alpha.max).toBeGreaterThan(250);
  }, 300_000);
});

/** Builds and `npm pack`s the SDK, then installs the tarball, TypeScript and Node's types. */
async function packInto(project: string): Promise<void> {
  // Build first and pack without scripts: the build's own log lines would otherwise share stdout with the JSON.
  await run("npm", ["run", "build"], { cwd: sdkDir, maxBuffer: 16 * 1024 * 1024 });
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", project, "--json"], {
    cwd: sdkDir,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "sdk-user", private: true, type: "module" }, null, 2),
  );
  await writeFile(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: false,
        types: ["node"],
        outDir: "out",
        rootDir: "src",
      },
      include: ["src"],
    }),
  );
  await run(
    "npm",
    [
      "install",
      join(project, filename),
      "typescript@~5.9",
      "@types/node@^22",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
    ],
    { cwd: project },
  );
  expect(await readdir(join(project, "node_modules/@atelier/sdk/dist"))).toContain("index.d.ts");
}

import { basename, dirname, resolve } from "node:path";
import {
  type Atelier,
  createAtelier,
  type JobView,
  type RunHandle,
  toAtelierError,
} from "@atelier/sdk/source";
import { AppError, type ErrorCode } from "@atelier/shared";
import { normalizeServerUrl, resolveServer, saveServerKey } from "./config.ts";
import type { CliIo } from "./cliIo.ts";
import { createProgressView, type ProgressView } from "./progressView.ts";
import { writeOutputs } from "./writeOutputs.ts";

/** Any error of an SDK call as the CLI's AppError: the server's code and sentence. */
function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const sdk = toAtelierError(err);
  // UNAVAILABLE is the SDK's own word for "not reached": an upstream problem to the CLI.
  const code: ErrorCode = sdk.code === "UNAVAILABLE" ? "UPSTREAM_ERROR" : sdk.code;
  return new AppError(code, sdk.message, sdk.details);
}

async function connect(io: CliIo, server: string, projectId?: string): Promise<Atelier> {
  const { url, apiKey } = await resolveServer(io.env, server);
  return createAtelier({ url, apiKey, ...(projectId ? { projectId } : {}) });
}

/** `atelier login --server URL [--key KEY]`: checks the key with the server, then stores it (0600). */
export async function login(io: CliIo, server: string, key: string | undefined): Promise<number> {
  if (!server)
    throw new AppError("VALIDATION_ERROR", "give the server to log in to: atelier login --server URL");
  const url = normalizeServerUrl(server);
  const apiKey = key || io.env.ATELIER_API_KEY || (await readFirstLine(io));
  if (!apiKey) {
    throw new AppError(
      "VALIDATION_ERROR",
      "give an API key with --key, ATELIER_API_KEY, or on standard input (create one in Settings → API keys)",
    );
  }
  const atelier = createAtelier({ url, apiKey });
  try {
    const orgs = await atelier.orgs.list.query().catch((err: unknown) => {
      const error = asAppError(err);
      if (error.code === "UNAUTHORIZED")
        throw new AppError("UNAUTHORIZED", `${url} does not accept this API key.`);
      throw error;
    });
    const path = await saveServerKey(io.env, url, apiKey);
    io.stderr.write(
      `Logged in to ${url} (${orgs.length} organization${orgs.length === 1 ? "" : "s"}); the key is in ${path}.\n`,
    );
    return 0;
  } finally {
    atelier.close();
  }
}

async function readFirstLine(io: CliIo): Promise<string> {
  const input = io.stdin;
  if (!input || input.isTTY) return "";
  let text = "";
  for await (const chunk of input) {
    text += chunk;
    if (text.includes("\n")) break;
  }
  return text.split("\n")[0]!.trim();
}

export interface ServerRunOptions {
  server: string;
  preset: string;
  params: Record<string, unknown>;
  batches: string[][];
  /** Where outputs go; by default beside each batch's first input. */
  outDir: string | undefined;
  force: boolean;
  json: boolean;
  projectId: string | undefined;
}

interface BatchResult {
  inputs: string[];
  jobId: string | null;
  status: JobView["status"] | "rejected";
  outputs: string[];
  error: { code: string; message: string } | null;
}

/**
 * `atelier run <preset> <files…> --server`: uploads each file (or each batch), runs the preset on
 * the server with a bar per step, and writes the outputs by the local mode's rules (`writeOutputs`).
 */
export async function runOnServer(io: CliIo, options: ServerRunOptions): Promise<number> {
  const atelier = await connect(io, options.server, options.projectId);
  const view = createProgressView(io.stderr);
  const results: BatchResult[] = [];
  try {
    for (const batch of options.batches) results.push(await runBatch(atelier, view, batch, options));
  } finally {
    atelier.close();
  }
  if (options.json) io.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
  // A job that succeeded but whose outputs could not be written (an existing file) failed too.
  return results.every((r) => r.status === "succeeded" && r.error === null) ? 0 : 1;
}

async function runBatch(
  atelier: Atelier,
  view: ProgressView,
  batch: string[],
  options: ServerRunOptions,
): Promise<BatchResult> {
  const label = batch.length === 1 ? basename(batch[0]!) : `${batch.length} files`;
  const result: BatchResult = { inputs: batch, jobId: null, status: "rejected", outputs: [], error: null };
  const started = performance.now();
  view.fileStarted(label);
  try {
    const assets = [];
    for (const [i, file] of batch.entries()) {
      view.stepStarted(label, "upload", i, batch.length);
      assets.push(await atelier.upload(file, { onProgress: (f) => view.progress(label, f) }));
    }
    const handle = atelier.run(options.preset, assets, options.params);
    result.jobId = (await handle.job).id;
    const job = await follow(handle, view, label);
    result.status = job.status;
    const outDir = resolve(options.outDir ?? dirname(batch[0]!));
    const files = await Promise.all(
      job.outputs.map(async (output) => ({
        fileName: output.fileName,
        data: Buffer.from(await (await atelier.fetchOutput(output)).arrayBuffer()),
      })),
    );
    const written = await writeOutputs(outDir, files, batch, options.force);
    result.outputs = written.map((name) => resolve(outDir, name));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    view.fileFinished(
      label,
      `${written.length} file${written.length === 1 ? "" : "s"} in ${seconds} s: ${written.join(", ")}`,
    );
  } catch (err) {
    const error = asAppError(err);
    if (result.jobId && result.status === "rejected")
      result.status = error.code === "CANCELLED" ? "cancelled" : "failed";
    result.error = { code: error.code, message: error.message };
    view.fileFailed(label, `${error.message} [${error.code}]`);
  }
  return result;
}

/** Shows a run's steps as bars; answers the finished job or throws its failure. */
async function follow(handle: RunHandle, view: ProgressView, label: string): Promise<JobView> {
  for await (const event of handle) {
    if (event.type === "job.step.started") view.stepStarted(label, event.step, event.index, event.total);
    else if (event.type === "job.progress") view.progress(label, event.fraction);
  }
  return handle.result();
}

/** `atelier jobs`: the project's recent jobs, newest first. */
export async function listJobs(
  io: CliIo,
  server: string,
  projectId: string | undefined,
  json: boolean,
): Promise<number> {
  const atelier = await connect(io, server, projectId);
  try {
    const project = await atelier.defaultProjectId();
    const jobs = await atelier.jobs.list.query({ projectId: project, limit: 20 });
    if (json) {
      io.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
      return 0;
    }
    if (jobs.length === 0) io.stdout.write("No jobs yet.\n");
    for (const job of jobs) {
      const progress = `${Math.round(job.progress * 100)}%`.padStart(4);
      io.stdout.write(
        `${job.id}  ${job.status.padEnd(9)}  ${progress}  ${(job.preset ?? "steps").padEnd(18)}  ${job.createdAt}\n`,
      );
    }
    return 0;
  } finally {
    atelier.close();
  }
}

/** `atelier watch <job>`: follows a job with bars (JSON lines with --json), and saves its outputs with --out. */
export async function watchJob(
  io: CliIo,
  options: { server: string; jobId: string; json: boolean; outDir: string | undefined; force: boolean },
): Promise<number> {
  const atelier = await connect(io, options.server);
  const view = createProgressView(io.stderr);
  const label = `job ${options.jobId.slice(0, 8)}`;
  try {
    const handle = atelier.watch(options.jobId);
    await handle.job;
    view.fileStarted(label);
    for await (const event of handle) {
      if (options.json) io.stdout.write(`${JSON.stringify(event)}\n`);
      else if (event.type === "job.step.started")
        view.stepStarted(label, event.step, event.index, event.total);
      else if (event.type === "job.progress") view.progress(label, event.fraction);
    }
    const job = await handle.result().catch((err: unknown) => {
      const error = asAppError(err);
      view.fileFailed(label, `${error.message} [${error.code}]`);
      return null;
    });
    if (!job) return 1;
    if (options.outDir) {
      const outDir = resolve(options.outDir);
      const files = await Promise.all(
        job.outputs.map(async (output) => ({
          fileName: output.fileName,
          data: Buffer.from(await (await atelier.fetchOutput(output)).arrayBuffer()),
        })),
      );
      const written = await writeOutputs(outDir, files, [], options.force);
      view.fileFinished(
        label,
        `${written.length} file${written.length === 1 ? "" : "s"}: ${written.join(", ")}`,
      );
    } else {
      view.fileFinished(label, `succeeded: ${job.outputs.map((o) => o.fileName).join(", ")}`);
    }
    return 0;
  } finally {
    atelier.close();
  }
}

export { asAppError };
